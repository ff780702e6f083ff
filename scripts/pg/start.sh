#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for tests and benchmarks: a fresh cluster in a temporary directory,
# listening on loopback only (127.0.0.1, a free port, its socket in that directory), trust auth for the
# `postgres` role. As root (CI) the server runs as the `postgres` user, which PostgreSQL requires.
# Prints the directory; `<dir>/url` holds the admin connection URL. Stop it with scripts/pg/stop.sh <dir>.
#
#   PG_BIN      server binaries (default: the newest /usr/lib/postgresql/*/bin)
#   PG_DURABLE  1 keeps fsync and synchronous commit on (benchmarks); by default they are off, as
#               for any test database that is thrown away after the run.
set -euo pipefail

bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
  echo "PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)" >&2
  exit 1
fi

dir="$(mktemp -d /tmp/margin-ltv-pg.XXXXXX)"
as_owner() { "$@"; }
if [[ "$(id -u)" == 0 ]]; then
  chown postgres: "$dir"
  as_owner() { runuser -u postgres -- "$@"; }
fi

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }

opts=(-c listen_addresses=127.0.0.1 -c "port=$port" -c "unix_socket_directories=$dir" -c max_connections=300
  -c shared_buffers=128MB)
if [[ "${PG_DURABLE:-0}" != 1 ]]; then
  opts+=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
fi
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "${opts[*]}" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }

echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$dir/url"
echo "$dir"
