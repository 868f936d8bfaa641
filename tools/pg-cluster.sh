#!/usr/bin/env bash
# A private PostgreSQL cluster for the tools (the tests start their own): Debian's server binaries,
# initdb into a temporary directory, pg_ctl on a free loopback port, trust authentication for the
# user annals, one empty database. Source it; it sets PG_ADDRESS (postgres://annals@127.0.0.1:PORT/DB)
# and stops and removes the cluster when the sourcing script exits.
#   source tools/pg-cluster.sh DBNAME
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pg_bin/initdb" ] || { echo "no PostgreSQL server binaries: bash tools/setup.sh --server-tests installs them" >&2; exit 1; }
pg_dir=$(mktemp -d /tmp/annals-pg-tool.XXXXXX)
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
pg_as "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U annals -E UTF8 >/dev/null
pg_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null
pg_stop() { pg_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap pg_stop EXIT
pg_as "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U annals -d postgres -q -c "CREATE DATABASE \"${1:-annals}\"" >/dev/null
# Runs SQL in a database of the cluster, as a person with psql would: pg_sql DB STATEMENT
pg_sql() { pg_as "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U annals -d "$1" -At -v ON_ERROR_STOP=1 -c "$2"; }
PG_ADDRESS="postgres://annals@127.0.0.1:$pg_port/${1:-annals}"
export PG_ADDRESS
