#!/usr/bin/env bash
# Writes the fixture store the upgrade test opens (Tests/AnnalsMigrationsTests/Fixtures/store-REV):
# the project's own example records, a correction, a retraction and a link, written by the annals
# binary given (built at the commit REV whose store format the test keeps). Only the project's own
# example files go into it, never third-party text.
#
#   usage: tools/make-fixture-store.sh PATH-TO-OLD-ANNALS REV
set -euo pipefail
cd "$(dirname "$0")/.."
annals=$1 rev=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ANNALS_STORE="$work/store" ANNALS_ACTOR="fixture"
"$annals" init >/dev/null
"$annals" import docs/examples/demo-article.txt docs/examples/seed-facts.jsonl --actor "Liễu Chang (nhập liệu)" >/dev/null
"$annals" correct event/lang-son-2021-ngo-aid --set "quantities[0].value=1108745" --actor "Văn thư" --reason "Báo cáo sơ bộ" >/dev/null
"$annals" correct event/lang-son-2021-ngo-aid --set "quantities[0].value=1108742" --actor "Kiểm toán viên" --reason "Báo cáo quyết toán" >/dev/null
"$annals" unlink article/baolangson.vn/476767 event/lang-son-2020-ngo-aid --actor "Kiểm toán viên" --reason "Nhầm nguồn" >/dev/null
"$annals" retract event/lang-son-2020-ngo-aid --actor "Kiểm toán viên" --reason "Số liệu suy ra" >/dev/null
"$annals" verify >/dev/null
target="Tests/AnnalsMigrationsTests/Fixtures/store-$rev"
rm -rf "$target"
"$annals" backup "$target" >/dev/null
rm -f "$target/lock.mdb"
ls -l "$target"
