#!/usr/bin/env bash
# Writes the fixture store the upgrade test opens (Tests/AnnalsMigrationsTests/Fixtures/store-REV):
# the project's own example records, a correction, a retraction and a link, written by the annals
# binary given (built at the commit REV whose store format the test keeps). Only the project's own
# example files go into it, never third-party text. With --checkpoint (a binary that has
# `annals checkpoint`), the folder also gets a statement of the head signed with a key made for it
# (checkpoint.jsonl, its public key in trusted-key) and the SHA-256 of `annals export --since 1`
# (export.sha256): an upgrade must keep both true.
#
#   usage: tools/make-fixture-store.sh PATH-TO-OLD-ANNALS REV [--checkpoint]
set -euo pipefail
cd "$(dirname "$0")/.."
annals=$1 rev=$2 checkpoint=${3:-}
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
rm -f "$target/lock.mdb" "$target/annals-backup.json"
if [ "$checkpoint" = "--checkpoint" ]; then
  export ANNALS_KEY="$work/checkpoint.key"
  "$annals" key init >/dev/null
  "$annals" checkpoint > "$target/checkpoint.jsonl"
  "$annals" checkpoint --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["publicKey"])' > "$target/trusted-key"
  "$annals" export --since 1 | sha256sum | cut -d' ' -f1 > "$target/export.sha256"
fi
ls -l "$target"
