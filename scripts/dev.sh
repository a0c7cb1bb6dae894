#!/usr/bin/env bash
# Build and run everything in one process: API on $PORT (8080), Telegram-compatible gateway
# on $GATEWAY_PORT (8090), worker in-process. The environment passes through unchanged.
# Listens on 127.0.0.1 unless HOST says otherwise (HOST=0.0.0.0 to serve the network).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
npm run build
npm start &
server=$!
# Ctrl-C / SIGTERM reach the server, which shuts down gracefully; its exit code is ours.
trap 'kill -TERM "$server" 2>/dev/null || true' INT TERM
scripts/dev-ready.sh "$server" || true
status=0
wait "$server" || status=$?
# A trapped signal ends `wait` early: wait again for the server's own exit.
if kill -0 "$server" 2>/dev/null; then wait "$server" || status=$?; fi
exit "$status"
