#!/usr/bin/env bash
# Annals beside Python's `eventsourcing` 9.5.6 on SQLite, on the same workload, in the same run:
# annals-bench writes its corpus as JSON lines, tools/peers/eventsourcing_bench.py appends it
# through eventsourcing's own persistence layer in the same batches, replays and decodes it, and
# appends single durable events; then annals-bench measures Annals with its raw-LMDB baselines.
# Prints both and the ratios. Release builds; not part of the test run.
# Usage: bash tools/bench-peers.sh [EVENTS, default 200000] [REPEAT, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-200000}"
repeat="${2:-3}"
swift build -c release --product annals-bench >/dev/null
swift build -c release --product annals >/dev/null
venv=.build/peers-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import eventsourcing' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'eventsourcing==9.5.6'
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build/release/annals-bench --dump-corpus "$events" "$work/corpus.jsonl"
echo "eventsourcing on SQLite: $events events, median of $repeat" >&2
"$venv/bin/python" tools/peers/eventsourcing_bench.py "$work/corpus.jsonl" --repeat "$repeat" > "$work/peer.json"
echo "annals-bench: $events events, median of $repeat" >&2
.build/release/annals-bench --events "$events" --repeat "$repeat" --json "$work/annals.json"
"$venv/bin/python" tools/peers/compare.py "$work/annals.json" "$work/peer.json"
