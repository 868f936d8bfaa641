#!/usr/bin/env bash
# The API fuzzed from its own description, longer than the default tests do it.
#
#   bash tools/api-fuzz.sh [EXAMPLES] [SCHEMATHESIS-OPTIONS…]      (default 100 examples per operation)
#
# Builds nothing: it runs the annals binary already built (.build/debug/annals, or $ANNALS), so
# build first (swift build --product annals). It creates a temporary store seeded with the demo's
# article and facts, adds an admin, serves the store on a free loopback port, and runs
# schemathesis (pip install schemathesis; tools/setup.sh --server-tests) against the API
# description the server carries, with every check, valid data included, unseeded (give --seed N
# to repeat a run). Answers that depend on the store's state are tolerated where the description
# says so: 404, 409, 412 (a stale If-Match), and 428 for a missing If-Match.
# Prints one summary line; exits 1 when schemathesis found a failure, the server answered a 5xx
# or did not stop cleanly on SIGTERM (the full report and the server's log are kept in the printed
# folder then), 2 when it could not run. The default tests run this script (20 examples, seeded).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
examples="${1:-100}"
[ $# -gt 0 ] && shift
annals="${ANNALS:-$repo/.build/debug/annals}"
if [ ! -x "$annals" ]; then
  echo "api-fuzz: no annals binary at $annals: build it first (swift build --product annals), or set ANNALS" >&2
  exit 2
fi
if ! command -v schemathesis >/dev/null; then
  echo "api-fuzz: schemathesis is missing: pip install schemathesis (tools/setup.sh --server-tests does it)" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/annals-api-fuzz.XXXXXX")"
server=""
keep=0
finish() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  if [ "$keep" = 0 ]; then rm -rf "$work"; fi
}
trap finish EXIT

export ANNALS_ACTOR=api-fuzz CI=true
store="$work/store"
"$annals" init --store "$store" >/dev/null
"$annals" import docs/examples/demo-article.txt docs/examples/seed-facts.jsonl --store "$store" >/dev/null
token="$("$annals" user add quan-tri --role admin --json --store "$store" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"
for user in lan:editor minh:reader kiem-toan:auditor; do
  "$annals" user add "${user%%:*}" --role "${user#*:}" --store "$store" >/dev/null
done

# The server prints "annals: serving STORE on http://127.0.0.1:PORT/" once it listens.
"$annals" serve --store "$store" --port 0 --login-delay-max 0 --login-attempts-per-minute 100000 \
  >"$work/serve.out" 2>"$work/serve.log" </dev/null &
server=$!
port=""
for _ in $(seq 1 100); do
  port="$(sed -n 's|^annals: serving .* on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$work/serve.out")"
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "api-fuzz: annals serve did not start: $(tail -n 3 "$work/serve.log")" >&2
  exit 2
fi

# Every check, with the tolerances the API description allows.
cat >"$work/schemathesis.toml" <<'TOML'
[generation]
# No example database: the run's folder is new and thrown away each time, so saving examples
# for a later run only cost CPU (a tenth of the run).
database = "none"

[checks]
# Every check (what --checks all would select, which would override the per-operation settings below).
enabled = true

[checks.positive_data_acceptance]
# Valid requests may meet the store's state: an unknown record or user (404), an edit that does
# not fit the record (409), a stale If-Match (412).
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]
[checks.negative_data_rejection]
# A weak If-Match is refused with 412 (it never matches), a missing one with 428.
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "412", "413", "415", "422", "428", "429", "5xx"]
[checks.missing_required_header]
# A missing If-Match is 428 Precondition Required (RFC 6585).
expected-statuses = ["400", "401", "403", "406", "415", "422", "428"]

# GET /log never ends: it waits for new events, sending a comment every 2 s. Read what comes
# within half a second (or 3 events) and hang up: the server sends its headers and what it has
# at once, and a longer wait only idled (a second for each of about 35 requests). The limit
# covers the headers too, so it keeps room for a loaded machine.
[[operations]]
include-path = "/log"
max-stream-events = 3
request-timeout = 0.5

TOML

report="$work/junit.xml"
status=0
(cd "$work" && NO_COLOR=1 schemathesis --config-file "$work/schemathesis.toml" run "http://127.0.0.1:$port/openapi.yaml" \
  -H "Authorization: Bearer $token" --suppress-health-check all --max-examples "$examples" \
  --report junit --report-junit-path "$report" "$@") >"$work/schemathesis.txt" 2>&1 || status=$?

alive=1
kill -0 "$server" 2>/dev/null || alive=0
kill -TERM "$server" 2>/dev/null || true
# A graceful stop exits 0 within seconds; anything else is a failure of the server, not of the
# fuzzer. A watchdog kills a server still running after 20 s (it then exits 137: not clean).
(sleep 20; kill -KILL "$server" 2>/dev/null) >/dev/null 2>&1 &
watchdog=$!
stopped=0
wait "$server" 2>/dev/null || stopped=$?
kill "$watchdog" 2>/dev/null || true
server=""

attribute() { sed -n "s/.*<testsuite [^>]*$1=\"\([0-9]*\)\".*/\1/p" "$report" 2>/dev/null | head -n 1; }
tests="$(attribute tests)"; failures="$(attribute failures)"; errors="$(attribute errors)"
requests="$(grep -c 'status=' "$work/serve.log" || true)"
server_errors="$(grep -c 'status=5' "$work/serve.log" || true)"
echo "api-fuzz: ${tests:-?} tested (each operation, and the stateful phase), ${failures:-?} failures, ${errors:-?} errors of schemathesis's own," \
  "$requests requests, $server_errors answered 5xx ($examples examples per operation; schemathesis exit $status)"
if [ "${failures:-1}" != 0 ] || [ "$server_errors" != 0 ] || [ -z "$tests" ] || [ "$alive" = 0 ] || [ "$stopped" != 0 ]; then
  keep=1
  if [ "$alive" = 0 ]; then
    echo "api-fuzz: the server died during the run: $(tail -n 3 "$work/serve.log")"
  elif [ "$stopped" != 0 ]; then
    echo "api-fuzz: the server exited $stopped on SIGTERM instead of stopping cleanly: $(tail -n 3 "$work/serve.log")"
  fi
  sed -n '/= FAILURES =/,$p' "$work/schemathesis.txt" | head -n 150
  grep 'status=5' "$work/serve.log" | head -n 5 || true
  echo "api-fuzz: the full report is $work/schemathesis.txt, the server's log $work/serve.log"
  exit 1
fi
