#!/usr/bin/env bash
# The real-browser tests (test/browser/*.browser.ts): Debian's Chromium driven by
# playwright-core. Run after scripts/test.sh (or scripts/setup.sh), which installs Chromium
# when it can. Arguments go to Jest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$chromium_path" ]]; then
  echo "test-browser: no Chromium at $chromium_path (scripts/setup.sh installs it as root;" \
    "or set CHROMIUM_PATH): browser tests skipped" >&2
  exit 0
fi

# The console the tests drive: built from web/ into dist/web.
npm run build:web --silent >/dev/null

export NODE_ENV=test
exec npx jest --ci -c jest.browser.config.ts "$@"
