#!/usr/bin/env bash
# Build and run everything in one process: API on $PORT (8080), Telegram-compatible gateway
# on $GATEWAY_PORT (8090), worker in-process. The environment passes through unchanged.
# Listens on 127.0.0.1 unless HOST says otherwise (HOST=0.0.0.0 to serve the network).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
npm run build
exec npm start
