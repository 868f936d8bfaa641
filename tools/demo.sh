#!/usr/bin/env bash
# The README's main job: a demo on the seed's facts in a temporary store.
# Imports an article (the project's own summary, and the seed itself when ../shared is there) and the
# seed's diplomacy facts, records a mistaken and then a corrected figure, and prints the history, the
# record as it was before, blame, the per-year aggregates, the audit trail and a full verify.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
echo "building annals (a first build fetches and compiles its dependencies: a few minutes)…" >&2
swift build --product annals >&2
annals=".build/debug/annals"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ANNALS_STORE="$work/store"
export ANNALS_TZ_DISPLAY="+07:00"
if [ -t 1 ]; then bold=$'\033[1m'; plain=$'\033[0m'; else bold=""; plain=""; fi
show() { printf '\n%s$ annals %s%s\n' "$bold" "$*" "$plain"; "$annals" "$@" --tz "$ANNALS_TZ_DISPLAY"; }
note() { printf '\n# %s\n' "$*"; }

note "A new store, then the article and the diplomacy facts it reports (links made on both sides)."
show init
show import docs/examples/demo-article.txt docs/examples/seed-facts.jsonl --actor "Liễu Chang (nhập liệu)"
seed="../shared/seed/000_58f27647b65baa0f.txt"
if [ -f "$seed" ]; then
  note "The original article from ../shared: same id, so its differing fields become one correction."
  show import "$seed" --actor "Liễu Chang (nhập liệu)"
else
  note "SKIPPED importing the original seed article: $seed is not there."
fi

note "A clerk enters a preliminary 2021 NGO aid figure; an auditor restores the article's 1.108.742 USD."
show correct event/lang-son-2021-ngo-aid --set "quantities[0].value=1108724" --actor "Văn thư" --reason "Nhập theo báo cáo sơ bộ"
sleep 1.1
before=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 1.1
show correct event/lang-son-2021-ngo-aid --set "quantities[0].value=1108742" --actor "Kiểm toán viên" \
  --reason "Đối chiếu bài gốc: 1.108.742 USD, tăng 992.829 USD so với 2020"

show history event/lang-son-2021-ngo-aid
note "The record as the store knew it at $before, before the auditor's correction."
show show event/lang-son-2021-ngo-aid --as-of "$before"
show blame event/lang-son-2021-ngo-aid
show aggregates --family quantity
show aggregates --metric ngo-aid --diff "$before" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
show find "hoi nghi ngoai giao"
show audit --limit 4
show verify
