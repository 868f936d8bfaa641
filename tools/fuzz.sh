#!/usr/bin/env bash
# Coverage-guided fuzzing of every input parser with libFuzzer.
#
#   bash tools/fuzz.sh [SECONDS_PER_TARGET]      (default 60)
#
# Builds annals-fuzz with -sanitize=fuzzer (in .build-fuzz, linked with lld: gold trips over the
# fuzzer runtime's debug info), seeds each target's corpus with its regression inputs
# (Tests/Fuzz/TARGET) and the project's own examples, runs it, and copies any crashing input
# into Tests/Fuzz/TARGET, where the default test run replays it from then on.
# Prints one line per target: target, runs, crashes. Exits 1 when any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
swift build -c release --product annals-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer -Xswiftc -DLIBFUZZER -Xswiftc -use-ld=lld >/dev/null
fuzzer=.build-fuzz/release/annals-fuzz
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
printf '%-14s %10s %8s\n' target runs crashes
for target in seed-text json jsonl corpus-rows set-parser export-lines; do
  corpus="$work/$target"
  mkdir -p "$corpus" "$work/artifacts-$target"
  cp Tests/Fuzz/"$target"/* "$corpus"/ 2>/dev/null || true
  case "$target" in
    seed-text) cp docs/examples/*.txt "$corpus"/ ;;
    json|jsonl) cp docs/examples/*.json* "$corpus"/ ;;
  esac
  log="$work/$target.log"
  ANNALS_FUZZ_TARGET="$target" "$fuzzer" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$work/artifacts-$target/" >"$log" 2>&1 || true
  runs="$(grep -o 'Done [0-9]* runs' "$log" | awk '{print $2}' || true)"
  crashes=0
  for artifact in "$work/artifacts-$target"/*; do
    [ -e "$artifact" ] || continue
    crashes=$((crashes + 1))
    cp "$artifact" "Tests/Fuzz/$target/$(basename "$artifact")"
    status=1
  done
  printf '%-14s %10s %8s\n' "$target" "${runs:-?}" "$crashes"
done
exit "$status"
