#!/usr/bin/env bash
# Writes .env (git-ignored) with the secrets `docker compose up` needs: JWT_SECRET,
# MASTER_KEY, GATEWAY_KEY and POSTGRES_PASSWORD. Values already in .env are kept, so it is safe to re-run
# (a new MASTER_KEY would make sealed secrets unreadable).
# Usage: scripts/compose-secrets.sh [path of the .env file, default ./.env]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
file=${1:-$root/.env}

random() { node -e "process.stdout.write(require('node:crypto').randomBytes($1).toString('$2'))"; }

touch "$file"
chmod 600 "$file"
add() {
  if ! grep -q "^$1=" "$file"; then
    echo "$1=$2" >>"$file"
    echo "compose-secrets: wrote $1 to $file"
  fi
}
add JWT_SECRET "$(random 32 base64url)"
add MASTER_KEY "$(random 32 base64)"
add GATEWAY_KEY "$(random 32 base64)"
# Hex: it goes into DATABASE_URL unescaped.
add POSTGRES_PASSWORD "$(random 24 hex)"
