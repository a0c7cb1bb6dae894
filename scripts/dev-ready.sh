#!/usr/bin/env bash
# Waits until the platform started by dev.sh answers /ready, then says where everything is.
# Usage: scripts/dev-ready.sh <server pid>. The ports follow the same variables as the server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

pid=$1
api="http://127.0.0.1:${PORT:-8080}"
ready() { node -e "fetch('$api/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; }
for _ in $(seq 1 150); do
  ready && break
  kill -0 "$pid" 2>/dev/null || exit 1
  sleep 0.2
done
ready || { echo "the platform did not become ready at $api/ready" >&2; exit 1; }

if [[ -n "${JWT_SECRET:-}" && -n "${MASTER_KEY:-}" ]]; then
  secrets="JWT_SECRET and MASTER_KEY from the environment"
else
  secrets="$(pwd)/.secrets.dev.json (generated once, git-ignored)"
fi
cat <<TEXT

  Quanta Bot Platform is up.
    web console        $api/   (sign up, register a bot, chat with it)
    API and messenger  $api   (health: $api/ready)
    gateway (Telegram) http://127.0.0.1:${GATEWAY_PORT:-8090}
    metrics            http://${METRICS_HOST:-127.0.0.1}:${METRICS_PORT:-9464}/metrics
    dev secrets        $secrets
    API reference      $api/docs   (OpenAPI 3.1: $api/openapi.json)
    docs               README.md and docs/ in this repository

  Try first (an account, then its token):
    curl -s $api/api/v1/auth/register -H 'content-type: application/json' \\
      -d '{"username": "alice", "password": "correct-horse-1"}'

TEXT
