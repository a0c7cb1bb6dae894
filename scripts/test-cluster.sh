#!/usr/bin/env bash
# The Redis Cluster tests: a local 3-master/3-replica cluster (loopback ports 7101-7106),
# 2 api + 2 worker processes, a master killed mid-burst. Needs redis-server and redis-cli.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NODE_ENV=test
exec npx jest --ci -c jest.cluster.config.ts "$@"
