#!/usr/bin/env bash
# Heap allocations per event in the append and rebuild loops, counted by heaptrack (Debian's
# `heaptrack` package) on release builds of annals-bench:
#   append: `--fill` of N events, less `--generate` (the corpus generator alone), per event; and
#           the same for the bare log (`--fill … --log-only`), so the projections' share shows;
#   rebuild: `--measure-rebuild` of the N-event store, per event (opening the store included).
# Usage: bash tools/profile-allocations.sh [EVENTS, default 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-100000}"
command -v heaptrack >/dev/null || { echo "heaptrack is not installed: apt-get install heaptrack" >&2; exit 1; }
swift build -c release --product annals-bench >/dev/null
bench=$PWD/.build/release/annals-bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The number of calls to allocation functions heaptrack counted while running "$@".
allocations() {
  (cd "$work" && heaptrack -o "$work/trace" "$@" >/dev/null 2>&1)
  heaptrack_print "$work"/trace.* 2>/dev/null | sed -n 's/^calls to allocation functions: \([0-9]*\).*/\1/p'
  rm -f "$work"/trace.*
}
generate=$(allocations "$bench" --generate "$events")
fill=$(allocations "$bench" --fill "$work/store" "$events")
rm -rf "$work/log" && logonly=$(allocations "$bench" --fill "$work/log" "$events" --log-only)
rebuild=$(allocations "$bench" --measure-rebuild "$work/store")
per() { awk -v a="$1" -v b="$2" -v n="$events" 'BEGIN { printf "%.1f", (a - b) / n }'; }
echo "heap allocations per event, $events events (heaptrack, release build):"
echo "  append with projections, 1000/txn: $(per "$fill" "$generate")"
echo "    of which the log alone:          $(per "$logonly" "$generate")"
echo "  rebuild of all projections:        $(per "$rebuild" 0)"
