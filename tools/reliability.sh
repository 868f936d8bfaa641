#!/usr/bin/env bash
# The reliability report: kills, damaged files, full disks, read-only media, tampering and
# fuzzing, against the real binaries and real stores in temporary folders.
#
#   bash tools/reliability.sh            the long run: 50 kills per command (each landing mid-run),
#                                        50 of every other scenario, fuzzing 60 s a target
#   bash tools/reliability.sh --short    3 of each, no fuzzing (the default test run calls this)
#   RUNS=200 FUZZ_SECONDS=300 bash tools/reliability.sh
#
# Prints one table: scenario, runs, kills or inputs, failures, data lost, tampering undetected.
# The follow scenario starts a private PostgreSQL cluster (tools/pg-cluster.sh) when Debian's
# postgresql is installed, and says "skipped" otherwise.
# A failure is a crash (a signal instead of an error), a store that no longer verifies, a half-done
# import or restore, or an error that does not say what it should. Exits 1 unless the last three
# columns are all zero. Scenarios that need root (mounting a tmpfs) say "skipped" without it.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
runs="${RUNS:-50}"
fuzz_seconds="${FUZZ_SECONDS:-60}"
if [ "${1:-}" = "--short" ]; then runs="${RUNS:-3}"; fuzz_seconds=0; fi

# Without ANNALS_BIN, the debug build is brought up to date first (a no-op when it is), so the
# report never runs a stale binary.
if [ -z "${ANNALS_BIN:-}" ]; then
  swift build --product annals >/dev/null && swift build --product AnnalsTestHelper >/dev/null || exit 1
fi
bin="${ANNALS_BIN:-$root/.build/debug}"
annals="$bin/annals"
helper="$bin/AnnalsTestHelper"
work="$(mktemp -d)"
mounts=()
cleanup() {
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
export ANNALS_ACTOR=reliability CI=true ANNALS_KEY="$work/checkpoint.key"
"$annals" key init >/dev/null

rows=()
row() { rows+=("$(printf '%-44s %7s %15s %9s %6s %11s' "$@")"); }
# A random pause of 0 to $1 milliseconds.
pause() { sleep "$(awk -v ms="$1" -v r="$RANDOM" 'BEGIN { printf "%.3f", (r % (ms + 1)) / 1000 }')"; }
# Exit statuses above 128 are signals: a crash, never an answer (137 is the kill we sent).
crashed() { [ "$1" -gt 128 ] && [ "$1" -ne 137 ]; }
count_events() { "$annals" stats --json --store "$1" 2>/dev/null | sed -n 's/.*"events":\([0-9]*\).*/\1/p'; }

# A seeded store to copy, and a larger input of our own writing for imports.
seed="$work/seed"
"$annals" init --store "$seed" >/dev/null
"$annals" import --store "$seed" docs/examples/demo-article.txt docs/examples/seed-facts.jsonl >/dev/null
big="$work/big.jsonl"
for i in $(seq 1 1500); do
  printf '{"recordType":"diplomacyEvent","id":"event/reliability-%d","kind":"meeting","title":"Họp số %d","date":"2021-05-01","description":"Biên bản cuộc họp số %d: các bên trao đổi về hợp tác kinh tế và viện trợ."}\n' "$i" "$i" "$i"
done >"$big"
full_events="$(( $(count_events "$seed") + 1500 ))"

# kill_loop NAME SETUP COMMAND CHECK: SETUP prepares $store, COMMAND runs in the background and is
# SIGKILLed after a random pause within the time one unkilled run takes, CHECK prints "ok",
# "fail REASON" or "lost REASON".
kill_loop() {
  local name="$1" setup="$2" command="$3" check="$4"
  local failures=0 lost=0 kills=0
  store="$work/$name-timing"; target="$work/$name-timing-target"; i=0
  eval "$setup"
  local started max_pause
  started="$(date +%s%N)"
  eval "$command" >/dev/null 2>&1
  max_pause=$(( ($(date +%s%N) - started) / 1000000 ))
  rm -rf "$store" "$target"
  # Until RUNS kills have landed mid-run (runs that finish first do not count), at most 4×RUNS runs.
  i=0
  while [ "$kills" -lt "$runs" ] && [ "$i" -lt $((runs * 4)) ]; do
    i=$((i + 1))
    store="$work/$name-$i"
    target="$work/$name-$i-target"
    eval "$setup"
    # exec: the background job becomes the command itself, so the kill hits it, not a subshell.
    eval "exec $command" >"$work/out" 2>"$work/err" &
    local pid=$!
    pause "$max_pause"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    status=$?
    # 137 is our SIGKILL landing mid-run; a run that finished first counts as a run, not a kill.
    if [ $status -eq 137 ]; then kills=$((kills + 1)); fi
    local verdict
    if crashed $status; then verdict="fail: crashed with signal $((status - 128))"; else verdict="$(eval "$check")"; fi
    case "$verdict" in
      ok) ;;
      lost*) lost=$((lost + 1)); echo "$name run $i: $verdict" >&2 ;;
      *) failures=$((failures + 1)); echo "$name run $i: $verdict" >&2 ;;
    esac
    rm -rf "$store" "$target"
  done
  row "kill -9 during $name" "$i" "$kills kills" "$failures" "$lost" "-"
}

verifies() { "$annals" verify --store "$1" >/dev/null 2>&1; }

kill_loop "correct" 'cp -r "$seed" "$store"' \
  '"$annals" correct event/lang-son-2021-ngo-aid --set "place=Điểm $i" --reason "lần $i" --store "$store"' \
  'if ! verifies "$store"; then echo "fail: does not verify"; elif [ $status -eq 0 ] && ! "$annals" show event/lang-son-2021-ngo-aid --store "$store" | grep -q "Điểm $i"; then echo "lost: acknowledged correction missing"; else echo ok; fi'

kill_loop "import" 'cp -r "$seed" "$store"' '"$annals" import "$big" --store "$store"' \
  'n="$(count_events "$store")"; if ! verifies "$store"; then echo "fail: does not verify"; elif [ "$n" != "$(count_events "$seed")" ] && [ "$n" != "$full_events" ]; then echo "fail: partial import ($n events)"; elif [ $status -eq 0 ] && [ "$n" != "$full_events" ]; then echo "lost: acknowledged import missing"; else echo ok; fi'

kill_loop "rebuild" 'cp -r "$seed" "$store"; "$annals" import "$big" --store "$store" >/dev/null' '"$annals" rebuild --store "$store"' \
  'if ! verifies "$store"; then echo "fail: does not verify"; elif ! "$annals" rebuild --store "$store" >/dev/null 2>&1 || ! verifies "$store"; then echo "fail: the next rebuild did not complete"; else echo ok; fi'

kill_loop "migrate" 'cp -r Tests/AnnalsMigrationsTests/Fixtures/store-3e34d49 "$store"' '"$annals" migrate --store "$store"' \
  'if ! "$annals" migrate --store "$store" >/dev/null 2>&1; then echo "fail: the next migrate did not complete"; elif ! verifies "$store"; then echo "fail: does not verify"; else echo ok; fi'

kill_loop "backup" 'cp -r "$seed" "$store"; "$annals" import "$big" --store "$store" >/dev/null' '"$annals" backup "$target" --store "$store"' \
  'if [ -e "$target/data.mdb" ] && ! verifies "$target"; then echo "fail: a backup that looks like a store does not verify"; elif [ $status -eq 0 ] && ! verifies "$target"; then echo "lost: acknowledged backup unusable"; else echo ok; fi'

kill_loop "import-log" '"$annals" export --store "$seed" >"$work/log.jsonl"; "$annals" export --store "$seed" >/dev/null' \
  '"$annals" import-log "$work/log.jsonl" --into "$target"' \
  'if [ -e "$target" ] && [ "$(count_events "$target")" != "$(count_events "$seed")" ]; then echo "fail: a half-restored store"; elif [ -e "$target" ] && ! verifies "$target"; then echo "fail: restored store does not verify"; elif [ $status -eq 0 ] && [ ! -e "$target" ]; then echo "lost: acknowledged restore missing"; else rm -rf "$work"/.annals-partial-*; echo ok; fi'

kill_loop "verify" 'cp -r "$seed" "$store"; sum="$(md5sum <"$store/data.mdb")"' '"$annals" verify --store "$store"' \
  'if [ "$(md5sum <"$store/data.mdb")" != "$sum" ]; then echo "fail: verify changed the data file"; else echo ok; fi'

# A follower killed while it applies a shared PostgreSQL log (a private cluster; needs Debian's
# postgresql): the next follow resumes to a byte-identical copy whose projections verify.
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  source tools/pg-cluster.sh reliability
  trap 'pg_stop; cleanup' EXIT
  "$annals" migrate --store "$PG_ADDRESS" >/dev/null
  cp -r "$seed" "$work/shared-source"
  "$annals" import "$big" --store "$work/shared-source" >/dev/null
  "$annals" export --store "$work/shared-source" >"$work/shared.jsonl"
  "$annals" import-log "$work/shared.jsonl" --into "$PG_ADDRESS" >/dev/null
  kill_loop "follow" ':' '"$annals" follow --from "$PG_ADDRESS" --store "$store" --once' \
    'if ! "$annals" follow --from "$PG_ADDRESS" --store "$store" --once >/dev/null 2>"$work/follow-err"; then echo "fail: the next follow did not complete: $(head -c 300 "$work/follow-err")"; elif ! cmp -s <("$annals" export --store "$store") "$work/shared.jsonl"; then echo "lost: the resumed copy differs from the shared log"; elif ! verifies "$store"; then echo "fail: does not verify"; else echo ok; fi'

  # One byte of an old row of the shared log changed, its hash left as it was: a follower's verify
  # must fail naming that position (it re-hashes every shared row against its own chain).
  follower="$work/verify-follower"
  "$annals" follow --from "$PG_ADDRESS" --store "$follower" --once >/dev/null
  events="$(count_events "$follower")"; failures=0; undetected=0
  for i in $(seq 1 "$runs"); do
    position=$(( (RANDOM * 32768 + RANDOM) % events + 1 ))
    flip="UPDATE annals_events SET value = set_byte(value, length(value) - 2, get_byte(value, length(value) - 2) # 1) WHERE position = $position"
    pg_sql reliability "$flip" >/dev/null
    "$annals" verify --store "$follower" >/dev/null 2>"$work/err"; status=$?
    if crashed "$status"; then failures=$((failures + 1))
    elif [ "$status" -ne 4 ] || ! grep -q "position $position" "$work/err"; then undetected=$((undetected + 1)); fi
    pg_sql reliability "$flip" >/dev/null
  done
  verifies "$follower" || failures=$((failures + 1))
  row "tamper: shared row, verify from a follower" "$runs" "$runs changes" "$failures" "-" "$undetected"

  # A follower pointed at another database holding its history plus an edit of its own (a
  # staging clone): refused without --switch-source, the store unchanged.
  pg_sql postgres 'CREATE DATABASE clone' >/dev/null
  clone="${PG_ADDRESS%/*}/clone"
  "$annals" migrate --store "$clone" >/dev/null
  "$annals" import-log "$work/shared.jsonl" --into "$clone" >/dev/null
  "$annals" follow --from "$clone" --store "$work/clone-follower" --once >/dev/null
  "$annals" correct event/lang-son-2021-ngo-aid --store "$work/clone-follower" --set "place=Bản sao" --reason "thử trên bản sao" >/dev/null
  failures=0; undetected=0
  for i in $(seq 1 "$runs"); do
    store="$work/repointed-$i"; cp -r "$follower" "$store"
    sum="$(md5sum <"$store/data.mdb")"
    "$annals" follow --from "$clone" --store "$store" --once >/dev/null 2>"$work/err"; status=$?
    if crashed "$status"; then failures=$((failures + 1))
    elif [ "$status" -eq 0 ] || [ "$(md5sum <"$store/data.mdb")" != "$sum" ]; then undetected=$((undetected + 1))
    elif ! grep -q -- "--switch-source" "$work/err"; then failures=$((failures + 1)); fi
    rm -rf "$store"
  done
  row "re-pointed follower (another database)" "$runs" "$runs follows" "$failures" "0" "$undetected"
else
  row "kill -9 during follow" "skipped" "no postgresql" "-" "-" "-"
  row "tamper: shared row, verify from a follower" "skipped" "no postgresql" "-" "-" "-"
  row "re-pointed follower (another database)" "skipped" "no postgresql" "-" "-" "-"
fi

# Damaged data files: cut at random sizes. One error line, exit 1, never a signal.
failures=0
for i in $(seq 1 "$runs"); do
  store="$work/cut-$i"
  cp -r "$seed" "$store"
  size=$(( (RANDOM * 32768 + RANDOM) % $(stat -c %s "$store/data.mdb") ))
  truncate -s "$size" "$store/data.mdb"
  for command in verify stats "show event/lang-son-2021-ngo-aid"; do
    "$annals" $command --store "$store" >/dev/null 2>"$work/err"
    status=$?
    if [ $status -ne 1 ] || ! grep -qE "damaged store|not an Annals store" "$work/err"; then
      failures=$((failures + 1)); echo "cut at $size, $command: exit $status: $(head -c 200 "$work/err")" >&2
    fi
  done
  rm -rf "$store"
done
row "data file cut short" "$runs" "$((runs * 3)) commands" "$failures" "0" "-"

# Tampering by someone who can write the files, each made consistent (hashes, indexes, head,
# projections rebuilt): plain verify may pass; verify against a checkpoint must not.
tamper_loop() {
  local name="$1" how="$2"
  local undetected=0 failures=0
  for i in $(seq 1 "$runs"); do
    store="$work/tamper-$i"
    cp -r "$seed" "$store"
    "$annals" checkpoint --store "$store" >"$work/checkpoint.jsonl"
    local head
    head="$(count_events "$store")"
    local position=$(( RANDOM % (head - 1) + 1 ))
    eval "$how" >/dev/null 2>"$work/err" || { failures=$((failures + 1)); echo "$name: tampering failed: $(cat "$work/err")" >&2; }
    "$annals" rebuild --store "$store" >/dev/null 2>&1
    "$annals" verify --store "$store" --against "$work/checkpoint.jsonl" --require-covered >/dev/null 2>"$work/err"
    status=$?
    if [ $status -ne 4 ]; then undetected=$((undetected + 1)); echo "$name at $position: verify exited $status" >&2
    elif ! grep -q "verification failed at position" "$work/err"; then failures=$((failures + 1)); echo "$name: $(cat "$work/err")" >&2; fi
    rm -rf "$store" "$store-old"
  done
  row "tamper: $name" "$runs" "$runs changes" "$failures" "-" "$undetected"
}
tamper_loop "event rewritten, chain recomputed" '"$helper" tamper "$store" rewrite "$position"'
tamper_loop "truncated, head fixed" '"$helper" tamper "$store" truncate "$position"'
tamper_loop "event appended, hash recomputed" '"$helper" tamper "$store" append'
tamper_loop "event past the head" '"$helper" tamper "$store" past-head'
tamper_loop "rolled back to an older backup" \
  '"$annals" backup "$store-old" --store "$store" && rm -rf "$store-old/annals-backup.json" && "$annals" correct event/lang-son-2021-ngo-aid --set "place=X$i" --reason r --store "$store" && "$annals" checkpoint --store "$store" >"$work/checkpoint.jsonl" && rm -rf "$store" && mv "$store-old" "$store"'

# Full disk and read-only media, on a tmpfs of our own (root only).
mount_tmpfs() {
  local dir="$1" size="$2"
  mkdir -p "$dir" && mount -t tmpfs -o "size=$size" tmpfs "$dir" 2>/dev/null && mounts+=("$dir")
}
if [ "$(id -u)" -eq 0 ] && mount_tmpfs "$work/disk" 2m; then
  failures=0 lost=0
  for i in $(seq 1 "$runs"); do
    store="$work/disk/store-$i"
    rm -rf "$work/disk"/*
    "$annals" init --store "$store" >/dev/null 2>&1 || true
    before="$(count_events "$store")"
    for j in 1 2 3; do cat "$big"; done | sed "s/reliability-/r$i-/" >"$work/bigger.jsonl"
    "$annals" import "$work/bigger.jsonl" --store "$store" >/dev/null 2>"$work/err"
    status=$?
    if [ $status -eq 0 ]; then :
    elif [ $status -ne 1 ] || ! grep -q "no space left" "$work/err"; then failures=$((failures + 1)); echo "full disk: exit $status: $(cat "$work/err")" >&2
    elif [ "$(count_events "$store")" != "$before" ] || ! verifies "$store"; then lost=$((lost + 1)); echo "full disk: store changed or broken" >&2; fi
    dd if=/dev/zero of="$work/disk/filler" bs=4096 2>/dev/null
    "$annals" init --store "$work/disk/new-$i" >/dev/null 2>"$work/err"
    status=$?
    if [ $status -ne 1 ] || ! grep -q "no space left" "$work/err"; then failures=$((failures + 1)); echo "init on a full disk: exit $status: $(cat "$work/err")" >&2; fi
  done
  row "full disk (import, init)" "$runs" "$((runs * 2)) commands" "$failures" "$lost" "-"
  umount "$work/disk"
else
  row "full disk (import, init)" "skipped" "needs root" "-" "-" "-"
fi
if [ "$(id -u)" -eq 0 ] && mount_tmpfs "$work/ro" 8m; then
  failures=0
  cp -r "$seed" "$work/ro/store"
  mount -o remount,ro "$work/ro"
  for i in $(seq 1 "$runs"); do
    for command in verify stats audit export "find Lạng" "show event/lang-son-2021-ngo-aid"; do
      "$annals" $command --store "$work/ro/store" >/dev/null 2>&1 || { failures=$((failures + 1)); echo "read-only: $command failed" >&2; }
    done
    "$annals" correct event/lang-son-2021-ngo-aid --set place=X --reason r --store "$work/ro/store" >/dev/null 2>"$work/err"
    grep -q "read-only media" "$work/err" || { failures=$((failures + 1)); echo "read-only write: $(cat "$work/err")" >&2; }
  done
  row "read-only media" "$runs" "$((runs * 7)) commands" "$failures" "0" "-"
  umount "$work/ro"
else
  row "read-only media" "skipped" "needs root" "-" "-" "-"
fi

if [ "$fuzz_seconds" -gt 0 ]; then
  while read -r target fuzz_runs crashes; do
    [ "$target" = target ] && continue
    row "fuzz: $target (${fuzz_seconds} s)" "1" "$fuzz_runs inputs" "$crashes" "-" "-"
  done < <(bash tools/fuzz.sh "$fuzz_seconds")
fi

printf '%-44s %7s %15s %9s %6s %11s\n' scenario runs "kills/inputs" failures lost undetected
printf '%s\n' "${rows[@]}"
bad="$(printf '%s\n' "${rows[@]}" | awk '{ n = NF; if ($(n-2) ~ /^[0-9]+$/ && $(n-2) > 0) print; else if ($(n-1) ~ /^[0-9]+$/ && $(n-1) > 0) print; else if ($n ~ /^[0-9]+$/ && $n > 0) print }')"
if [ -n "$bad" ]; then echo "reliability: FAILED (nonzero failures, lost or undetected above)"; exit 1; fi
echo "reliability: all zero"
