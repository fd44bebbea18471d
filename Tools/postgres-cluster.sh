#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the tests, in a temporary folder, on loopback.
#   eval "$(bash Tools/postgres-cluster.sh start)"   # exports SMART_TODO_TEST_POSTGRES (a URL) and SMART_TODO_TEST_POSTGRES_DIR
#   bash Tools/postgres-cluster.sh stop "$SMART_TODO_TEST_POSTGRES_DIR"
# initdb and pg_ctl refuse to run as root: as root they run as the `postgres` user (Debian's
# package creates it). The cluster trusts loopback connections; it holds nothing but test data.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
start)
  dir=$(mktemp -d /tmp/smart-todo-postgres-XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_owner "$bin/initdb" -D "$dir/data" -U smarttodo --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=on" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "export SMART_TODO_TEST_POSTGRES=postgres://smarttodo@127.0.0.1:$port/postgres SMART_TODO_TEST_POSTGRES_DIR=$dir"
  ;;
stop)
  dir=${2:?the folder printed by start}
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
