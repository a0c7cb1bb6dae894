#!/usr/bin/env bash
# Make sure PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) answer. Uses running servers if
# they are up; otherwise starts them via apt (root on Debian; dev/CI machines only) or
# `docker compose`; otherwise explains what is missing and exits 1.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/quanta}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
timeout_s=${SERVICES_TIMEOUT:-30}
redis_log=${TMPDIR:-/tmp}/redis-server.log

# Sets HOST and PORT from scheme://[user[:pass]@]host[:port][/path][?query]; IPv6 in [brackets].
parse_url() {
  local hp=${1#*://}
  hp=${hp%%[/?]*}
  hp=${hp##*@}
  if [[ $hp == \[* ]]; then
    HOST=${hp%%]*}; HOST=${HOST#[}
    PORT=${hp#*]}; PORT=${PORT#:}
  else
    HOST=${hp%%:*}
    PORT=${hp#"$HOST"}; PORT=${PORT#:}
  fi
  HOST=${HOST:-127.0.0.1}
  PORT=${PORT:-$2}
}
parse_url "$DATABASE_URL" 5432; pg_host=$HOST pg_port=$PORT
parse_url "$REDIS_URL" 6379; redis_host=$HOST redis_port=$PORT

tcp_open() { timeout 3 bash -c ">/dev/tcp/$1/$2" 2>/dev/null; }

pg_up() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -t 3 -h "$pg_host" -p "$pg_port"
  else
    tcp_open "$pg_host" "$pg_port"
  fi
}

redis_up() {
  # redis-cli speaks no TLS without extra flags, so rediss:// gets a plain TCP check.
  if command -v redis-cli >/dev/null && [[ $REDIS_URL != rediss://* ]]; then
    # NOAUTH still proves the server answers; the app authenticates with the URL's password.
    [[ $(timeout 3 redis-cli -h "$redis_host" -p "$redis_port" ping 2>&1) =~ PONG|NOAUTH ]]
  else
    tcp_open "$redis_host" "$redis_port"
  fi
}

is_local() { [[ $1 == 127.* || $1 == localhost || $1 == ::1 ]]; }
addr() { if [[ $1 == *:* ]]; then echo "[$1]:$2"; else echo "$1:$2"; fi; }

apt_updated=0
apt_install() {
  if ((!apt_updated)); then
    apt-get update -qq
    apt_updated=1
  fi
  # Package scripts may try to start the daemons; failures there are harmless, we start them.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

start_postgres_apt() {
  local fresh=0 ver name cluster
  if ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
    apt_install postgresql
    fresh=1
  fi
  # Use the cluster configured for our port; if there is none, create one.
  cluster=$(pg_lsclusters -h 2>/dev/null | awk -v p="$pg_port" '$3 == p { print $1, $2; exit }')
  if [[ -n $cluster ]]; then
    read -r ver name <<<"$cluster"
  else
    # Newest installed server; version directories are plain numbers.
    # shellcheck disable=SC2012
    ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
    name=main
    [[ -e /etc/postgresql/$ver/main ]] && name=port$pg_port
    pg_createcluster -p "$pg_port" "$ver" "$name" >/dev/null
    fresh=1
  fi
  # Fresh clusters only (never someone's existing one): let user postgres in over local TCP
  # without a password, as DATABASE_URL's default expects. First matching pg_hba line wins.
  local hba=/etc/postgresql/$ver/$name/pg_hba.conf
  if ((fresh)) && ! grep -q 'added by scripts/services.sh' "$hba"; then
    { printf '%s\n' '# dev/CI: trust local TCP (added by scripts/services.sh)' \
        'host all all 127.0.0.1/32 trust' 'host all all ::1/128 trust'
      cat "$hba"; } >"$hba.tmp"
    cat "$hba.tmp" >"$hba" # keeps the file's owner and mode
    rm -f "$hba.tmp"
  fi
  if pg_ctlcluster "$ver" "$name" status >/dev/null 2>&1; then
    ((fresh)) && pg_ctlcluster "$ver" "$name" reload
  else
    pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
  fi
  echo "postgres: started cluster $ver/$name at $(addr "$pg_host" "$pg_port")"
}

start_redis_apt() {
  command -v redis-server >/dev/null || apt_install redis-server
  # No persistence: this Redis holds only queues and caches for a dev/CI run. "-::1" binds
  # IPv6 loopback only where it exists. The daemon forks before binding, so errors (port taken)
  # show up only in its log.
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" \
    --save "" --appendonly no --logfile "$redis_log"
  echo "redis: started redis-server at $(addr "$redis_host" "$redis_port")"
}

missing=() nonlocal=()
if pg_up; then
  echo "postgres: up at $(addr "$pg_host" "$pg_port") (already running)"
else
  missing+=(postgres)
  is_local "$pg_host" || nonlocal+=("postgres at $(addr "$pg_host" "$pg_port") (DATABASE_URL)")
fi
if redis_up; then
  echo "redis: up at $(addr "$redis_host" "$redis_port") (already running)"
else
  missing+=(redis)
  is_local "$redis_host" || nonlocal+=("redis at $(addr "$redis_host" "$redis_port") (REDIS_URL)")
fi
((${#missing[@]})) || exit 0

if ((${#nonlocal[@]})); then
  # Installing or starting something here cannot help a server on another host.
  printf 'not reachable, and not on this machine: %s\n' "${nonlocal[@]}" >&2
  echo 'Start it there, or point the URL at a reachable server.' >&2
  exit 1
elif [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
  for s in "${missing[@]}"; do "start_${s}_apt"; done
elif command -v docker >/dev/null && docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  # Compose interpolates the whole file, so the api's required secrets must be set even
  # though postgres and redis do not use them. The override lets the default DATABASE_URL
  # (no password) connect to this development postgres, published on loopback only.
  JWT_SECRET=${JWT_SECRET:-unused} MASTER_KEY=${MASTER_KEY:-unused} GATEWAY_KEY=${GATEWAY_KEY:-unused} \
    POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-unused} \
    POSTGRES_PORT=$pg_port REDIS_PORT=$redis_port \
    docker compose -f "$root/docker-compose.yml" -f "$root/deploy/compose.dev-services.yml" \
    up -d "${missing[@]}"
  echo "${missing[*]}: started with docker compose"
else
  for s in "${missing[@]}"; do
    if [[ $s == postgres ]]; then
      echo "postgres: not reachable at $(addr "$pg_host" "$pg_port") (DATABASE_URL)." >&2
      echo "  Start PostgreSQL there (user postgres must connect over TCP without a password)," >&2
    else
      echo "redis: not reachable at $(addr "$redis_host" "$redis_port") (REDIS_URL)." >&2
      echo "  Start Redis there," >&2
    fi
    echo "  or set the URL to a running server. This script can start it itself when run as" >&2
    echo "  root on Debian/Ubuntu (apt-get), or when Docker with 'docker compose' is usable." >&2
  done
  exit 1
fi

# Bounded wait: a fresh server needs a moment before it accepts connections.
deadline=$((SECONDS + timeout_s))
for s in "${missing[@]}"; do
  until "${s/postgres/pg}_up"; do
    if ((SECONDS >= deadline)); then
      log=/var/log/postgresql/
      [[ $s == redis ]] && log=$redis_log
      echo "$s: still not answering after ${timeout_s}s; see $log or 'docker compose logs $s'" >&2
      exit 1
    fi
    sleep 1
  done
  echo "$s: ready"
done
