#!/usr/bin/env bash
# annals-bench with the shared log: a private PostgreSQL cluster (durable: fsync on, as shipped),
# then the release benchmark with --store pointing at an empty database in it, so PostgreSQL's
# appends and a follower's lag are measured beside the LMDB figures in the same run.
# Usage: bash tools/bench-postgres.sh [annals-bench options, e.g. --events 100000 --repeat 3]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --server-tests >/dev/null
swift build -c release --product annals >/dev/null
swift build -c release --product annals-bench >/dev/null
source tools/pg-cluster.sh bench
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (this machine)" >&2
.build/release/annals-bench --store "$PG_ADDRESS" "$@"
