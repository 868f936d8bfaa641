#!/usr/bin/env bash
# Does cost grow as the work grows, and no faster? Builds one store per size with annals-bench's
# corpus (release builds) and prints, per size:
#   append    events/s of `annals-bench --fill` (1,000 events a transaction, projections included,
#             the corpus's generation not timed);
#   rebuild   events/s of `annals-bench --measure-rebuild` of that store, median of REPEAT;
#   history   ms of `annals history` of the probe record (the same short stream at every size),
#             median of 5 whole processes after one untimed, opening the store included;
#   as-of     the same for `annals show` of the probe record at the log's middle position;
# and each figure's ratio to the first size's. Issue 22 asks that at 10,000,000 events rebuild and
# append stay within 25 % of their 1,000,000-event rates (ratio ≥ 0.75) and history and as-of stay
# flat. Not in CI: at the default sizes it takes about half an hour and 17 GB of disk.
# Usage: bash tools/bench-scale.sh [--repeat R] [SIZE ...]   (default sizes: 1000000 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=1
if [ "${1:-}" = "--repeat" ]; then
  [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "bench-scale: --repeat ${2:-}: give how many rebuilds to take the median of, 1 or more" >&2; exit 2; }
  repeat="$2"
  shift 2
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)
for size in "${sizes[@]}"; do
  [[ "$size" =~ ^[0-9]+$ ]] && [ "$size" -ge 1000 ] || { echo "bench-scale: size $size: give a whole number of events, 1000 or more" >&2; exit 2; }
done
swift build -c release --product annals-bench >/dev/null
swift build -c release --product annals >/dev/null
bench=$PWD/.build/release/annals-bench
annals=$PWD/.build/release/annals
probe="event/bench-probe"
work=$(mktemp -d "${TMPDIR:-/tmp}/annals-bench-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Milliseconds one run of "$@" takes, whole process.
millis() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 }'
}

rows=()
for size in "${sizes[@]}"; do
  store="$work/store-$size"
  echo "bench-scale: $size events: appending" >&2
  seconds=$("$bench" --fill "$store" "$size" | awk '{ print $(NF - 1) }')
  append=$(awk -v n="$size" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')
  echo "bench-scale: $size events: rebuilding ($repeat)" >&2
  rebuild=$(for _ in $(seq "$repeat"); do "$bench" --measure-rebuild "$store" | awk -v n="$size" '{ printf "%.0f\n", n / $1 }'; done | median)
  "$annals" history "$probe" --store "$store" >/dev/null  # once untimed: the first reads the store's pages from disk
  history=$(for _ in 1 2 3 4 5; do millis "$annals" history "$probe" --store "$store"; done | median)
  asof=$(for _ in 1 2 3 4 5; do millis "$annals" show "$probe" --at $((size / 2)) --store "$store"; done | median)
  rows+=("$size $append $rebuild $history $asof")
  rm -rf "$store"
done

echo "cost as the log grows (release builds; rates in events/s, latencies in ms; ratio to ${sizes[0]} events)"
printf '%-12s %18s %18s %16s %16s\n' events append rebuild history as-of
read -r _ append0 rebuild0 history0 asof0 <<< "${rows[0]}"
for row in "${rows[@]}"; do
  read -r size append rebuild history asof <<< "$row"
  awk -v n="$size" -v a="$append" -v r="$rebuild" -v h="$history" -v o="$asof" \
      -v a0="$append0" -v r0="$rebuild0" -v h0="$history0" -v o0="$asof0" \
      'BEGIN { printf "%-12d %9d (%.2f×) %9d (%.2f×) %7.2f (%.2f×) %7.2f (%.2f×)\n", n, a, a / a0, r, r / r0, h, h / h0, o, o / o0 }'
done
echo "target (issue 22): append and rebuild ≥ 0.75× at 10,000,000 against 1,000,000; history and as-of flat"
