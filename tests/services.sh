#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis for the test suite.
#
#   source tests/services.sh
#   services_install        # apt-get what is missing (when root)
#   services_start          # exports DATABASE_URL and REDIS_URL
#   services_stop           # stops both and removes their files
#
# A server is started only when its URL is not already set, so CI or a
# developer can point the tests at servers of their own.

SERVICES_DIR=""
SERVICES_STARTED_PG=""
SERVICES_STARTED_REDIS=""

_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

_pg_bindir() {
  local initdb
  initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
  [ -n "$initdb" ] && dirname "$initdb"
}

services_install() {
  local missing=()
  if [ -z "${DATABASE_URL:-}" ] && [ -z "$(_pg_bindir)" ]; then missing+=(postgresql); fi
  if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null 2>&1; then missing+=(redis-server); fi
  if [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  if [ "$(id -u)" != 0 ]; then
    echo "make test needs these Debian packages: ${missing[*]}." >&2
    echo "Install them (sudo apt-get install ${missing[*]}) or set DATABASE_URL and REDIS_URL." >&2
    return 1
  fi
  echo "Installing ${missing[*]} with apt-get…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Run a command as the postgres user when we are root (initdb refuses root).
_as_pg() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

services_start() {
  SERVICES_DIR=$(mktemp -d /tmp/continuum-services.XXXXXX)
  chmod 755 "$SERVICES_DIR"
  if [ -z "${DATABASE_URL:-}" ]; then
    local bindir port
    bindir=$(_pg_bindir)
    port=$(_free_port)
    mkdir -p "$SERVICES_DIR/pg"
    [ "$(id -u)" = 0 ] && { id postgres >/dev/null 2>&1 || _as_pg true; chown postgres "$SERVICES_DIR/pg"; }
    _as_pg "$bindir/initdb" -D "$SERVICES_DIR/pg/data" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 >"$SERVICES_DIR/pg/initdb.log" 2>&1 \
      || { cat "$SERVICES_DIR/pg/initdb.log" >&2; return 1; }
    _as_pg "$bindir/pg_ctl" -D "$SERVICES_DIR/pg/data" -l "$SERVICES_DIR/pg/server.log" -w \
      -o "-p $port -k $SERVICES_DIR/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$SERVICES_DIR/pg/server.log" >&2; return 1; }
    SERVICES_STARTED_PG="$bindir"
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres continuum
    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/continuum"
    echo "PostgreSQL ($(basename "$(dirname "$bindir")")) on port $port"
  fi
  if [ -z "${REDIS_URL:-}" ]; then
    local rport
    rport=$(_free_port)
    redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
      --dir "$SERVICES_DIR" --pidfile "$SERVICES_DIR/redis.pid" --logfile "$SERVICES_DIR/redis.log"
    for _ in $(seq 50); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.1; done
    SERVICES_STARTED_REDIS="$rport"
    export REDIS_URL="redis://127.0.0.1:$rport/0"
    echo "Redis on port $rport"
  fi
}

services_stop() {
  if [ -n "$SERVICES_STARTED_PG" ]; then
    _as_pg "$SERVICES_STARTED_PG/pg_ctl" -D "$SERVICES_DIR/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ -n "$SERVICES_STARTED_REDIS" ] && [ -f "$SERVICES_DIR/redis.pid" ]; then
    kill "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null || true
  fi
  [ -n "$SERVICES_DIR" ] && rm -rf "$SERVICES_DIR"
  SERVICES_DIR=""
}
