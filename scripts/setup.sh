#!/usr/bin/env bash
# Shared set-up for dev.sh and test.sh: dependencies, Prisma client, services, migrations.
# Each step is skipped when already done, so re-running is cheap.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# package.json "engines" asks for >= 20.19 (Prisma 7 needs it).
if ! command -v node >/dev/null; then
  echo 'setup: node not found; install Node.js 20.19 or newer' >&2
  exit 1
fi
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number);
  process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "setup: Node $(node -v) is too old; install Node.js 20.19 or newer" >&2
  exit 1
fi

# npm writes node_modules/.package-lock.json on install; an older one means the lock changed.
installed=0
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  # The lock holds every platform's optional packages (test/foundation/install-lock.test.ts).
  npm ci
  installed=1
fi

# The client is generated (git-ignored); redo it when the schema or the Prisma version changed.
if ((installed)) || [[ ! src/generated/prisma/client.ts -nt prisma/schema.prisma ]]; then
  npm run db:generate
fi

scripts/services.sh

# test/gateway/echo.sh (the Koto reference's bash bot, run unmodified) needs curl and jq.
if ! command -v jq >/dev/null || ! command -v curl >/dev/null; then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq curl >/dev/null
  else
    echo 'setup: jq or curl missing; test/gateway/echo.test.ts will skip' >&2
  fi
fi

# The browser tests (scripts/test-browser.sh) drive Debian's Chromium; the emoji font lets
# reactions and the console's screenshots show emoji rather than empty boxes.
if ! command -v chromium >/dev/null || [[ ! -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]]; then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
  else
    echo 'setup: chromium missing and not root (or no apt-get); browser tests will skip' >&2
  fi
fi

# Creates the database if missing, then applies pending migrations.
npm run db:migrate
