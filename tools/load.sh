#!/usr/bin/env bash
# The load check of annals serve on a release build: 8 clients (each its own editor) from a second
# process on loopback, SECONDS of reads (a record and a search by turns), then SECONDS of edits by
# 8 clients and SECONDS by 32 (each client correcting its own record with If-Match), with group
# commit (the default) and then on a server that commits each edit alone (--edits-per-commit 1),
# then a check that every acknowledged edit is in the log once, by its own user, and annals verify. Prints requests/s and latency
# percentiles as JSON lines. Then a flood of 200 wrong tokens, 50 at once, against two servers:
# the default (sign-in throttle on) and one whose throttle lets every attempt reach a token check
# (only the bounded check threads protect it): a signed-in reader's p99 without and with the flood
# (goal: at most 3x), and the time of a refusal for a known and an unknown user name (goal: within
# 10 %). Usage: bash tools/load.sh [SECONDS, default 30]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
bash tools/setup.sh
swift build -c release --product annals >/dev/null
swift build -c release --product AnnalsTestHelper >/dev/null
annals=.build/release/annals
helper=.build/release/AnnalsTestHelper
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
export ANNALS_STORE="$work/store" ANNALS_ACTOR=load-check CI=true
$annals init >/dev/null
$annals import docs/examples/demo-article.txt docs/examples/seed-facts.jsonl >/dev/null
tokens=()
for i in $(seq 32); do
  tokens+=("$($annals user add "bien-tap-$i" --role editor --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')")
done
# All 32 clients sign in from one address: the per-address sign-in throttle (30 a minute, tested by
# the floods below) is raised so that it does not refuse them.
start_server() {
  $annals serve --port 0 --login-attempts-per-minute 1000 "$@" > "$work/serve.out" 2> "$work/serve.log" &
  server=$!
  for _ in $(seq 50); do grep -q serving "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -E 's#.*:([0-9]+)/$#\1#' "$work/serve.out")
}
edits() {
  local label="$1"
  for clients in 8 32; do
    echo -n "$label, $clients clients: "
    $helper load "$port" edit "$seconds" "${tokens[@]:0:$clients}" | tee "$work/edit-$label-$clients.json" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(json.dumps({k: v for k, v in r.items() if k != "records"}), "acknowledged corrections:", sum(r["records"].values()))'
  done
}
start_server
echo "annals serve (release) on port $port; $(nproc) cores; ${seconds} s each run"
$helper load "$port" read "$seconds" "${tokens[@]:0:8}"
edits "group commit"
kill -TERM "$server"; wait "$server" || true
start_server --edits-per-commit 1
edits "each edit alone"
kill -TERM "$server"; wait "$server" || true
python3 - "$annals" "$work"/edit-*.json <<'PY'
import json, subprocess, sys
records = {}
for path in sys.argv[2:]:
    records.update(json.load(open(path))["records"])
problems = 0
for rid, acknowledged in records.items():
    client = int(rid.split("-")[1])
    lines = subprocess.run([sys.argv[1], "history", rid, "--json"], capture_output=True, text=True, check=True).stdout.splitlines()
    edits = [json.loads(line) for line in lines]
    actors = {e["actor"] for e in edits}
    if len(edits) != acknowledged + 1 or actors != {f"bien-tap-{client + 1}"}:
        problems += 1
        print(f"{rid}: {len(edits)} versions for {acknowledged} acknowledged corrections, actors {actors}")
print(f"{len(records)} records checked: {problems} with a lost, duplicated or misattributed edit")
sys.exit(1 if problems else 0)
PY
$annals verify

# Sign-in floods.
reader="$($annals user add lecteur --role reader --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
flood() {
  $annals serve --port 0 "$@" > "$work/flood.out" 2> "$work/flood.log" &
  server=$!
  for _ in $(seq 50); do grep -q serving "$work/flood.out" 2>/dev/null && break; sleep 0.1; done
  local port
  port=$(sed -E 's#.*:([0-9]+)/$#\1#' "$work/flood.out")
  $helper flood "$port" 50 200 "$reader" bien-tap-1
  kill -TERM "$server"; wait "$server" || true
  # The server's closing line names its counts before its message: keep just the counts.
  grep "token checks" "$work/flood.log" | grep -oE '(run|peak|limit|refused)=[0-9]+' | tr '\n' ' ' | sed 's/^/token checks: /; s/ $/\n/'
}
echo "flood, default server (throttle on):"
flood
echo "flood, throttle off (every attempt reaches a check; the check threads bound the cost):"
flood --login-attempts-per-minute 1000000 --login-delay-max 0
