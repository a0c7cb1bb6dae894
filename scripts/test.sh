#!/usr/bin/env bash
# Full check, as CI runs it: static checks first (fast failures), then Jest.
# Arguments go to Jest, e.g. `scripts/test.sh test/http -t login`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
# The api serves the console at /: the suite tests the page it ships (a second or two).
npm run build:web --silent >/dev/null
npm run typecheck
npm run lint
npm run format:check

export NODE_ENV=test
exec npx jest --ci "$@"
