"""Prints Annals' figures (annals-bench --json) beside eventsourcing's (eventsourcing_bench.py)."""
import json
import sys

annals = json.load(open(sys.argv[1]))
peer = json.load(open(sys.argv[2]))


def figure(prefix):
    for f in annals["figures"]:
        if f["name"].startswith(prefix):
            values = sorted(f["annals"])
            return values[len(values) // 2]
    raise SystemExit(f"annals-bench printed no figure starting {prefix!r}")


rows = [
    ("batched append, 1000/txn", figure("append with projections"), peer["append"], "ev/s", True, "≥ 5× (floor 2.5×)"),
    ("  the log alone (no projections)", figure("  of which the log alone"), peer["append"], "ev/s", True, ""),
    ("single durable append", figure("single durable edit"), peer["single"], "ev/s", True, ""),
    ("rebuild vs replay + decode", figure("rebuild all projections"), peer["replay"], "ev/s", True, "≥ 3× (floor 1.5×)"),
    ("bytes on disk per event, file", figure("bytes on disk per event"), peer["bytesPerEvent"], "B", False, ""),
    ("  compacted copy", figure("  compacted copy"), peer["bytesPerEvent"], "B", False, "≤ 1,200 B (floor 1,500)"),
]
print(f"\nAnnals beside {peer['library']} on SQLite ({peer['sqlite']}), {peer['events']} events, same corpus and batches:")
print(f"{'figure':36} {'annals':>14} {'eventsourcing':>14}  {'ratio':>7}  target")
for name, mine, theirs, unit, higher, target in rows:
    ratio = mine / theirs if higher else theirs / mine
    print(f"{name:36} {mine:>10,.0f} {unit:<4}{theirs:>10,.0f} {unit:<4} {ratio:>6.2f}×  {target}")
print("ratio: how many times better Annals is (rates: annals / peer; bytes: peer / annals)")
