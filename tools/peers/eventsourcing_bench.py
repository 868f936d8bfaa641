"""The peer benchmark: Annals' benchmark workload through Python `eventsourcing` on SQLite.

Reads the corpus `annals-bench --dump-corpus` wrote (one event a line: stream, type, actor,
reason, payload), in the same order and the same batches, and measures with the library's own
persistence layer (Mapper + JSONTranscoder + SQLiteApplicationRecorder):

- batched append: encode and insert each batch in one transaction;
- single durable append: one event a transaction (SQLite's default synchronous=FULL in WAL mode);
- replay + decode: select every notification in pages and decode each to a domain event;
- bytes per event: the database file after a WAL checkpoint.

Prints one JSON object (medians of --repeat runs, each figure's runs beside it).
"""
import argparse
import json
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import JSONTranscoder, Mapper, Transcoder
from eventsourcing.persistence import DatetimeAsISO, UUIDAsHex
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore


@dataclass(frozen=True)
class RecordEdited(DomainEvent):
    type: str
    actor: str
    reason: str
    payload: dict


def transcoder() -> Transcoder:
    t = JSONTranscoder()
    t.register(UUIDAsHex())
    t.register(DatetimeAsISO())
    return t


def load(path):
    """The corpus as batches of (stream, type, actor, reason, payload) tuples."""
    batches, current, last = [], [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            if item["batch"] != last and current:
                batches.append(current)
                current = []
            last = item["batch"]
            current.append((item["stream"], item["type"], item["actor"], item["reason"], item["payload"]))
    if current:
        batches.append(current)
    return batches


def events_of(batch, versions):
    now = datetime.now(timezone.utc)
    out = []
    for stream, kind, actor, reason, payload in batch:
        originator = uuid.uuid5(uuid.NAMESPACE_URL, stream)
        versions[originator] = versions.get(originator, 0) + 1
        out.append(RecordEdited(originator_id=originator, originator_version=versions[originator], timestamp=now,
                                type=kind, actor=actor, reason=reason, payload=payload))
    return out


def open_recorder(path):
    datastore = SQLiteDatastore(path)
    recorder = SQLiteApplicationRecorder(datastore)
    recorder.create_table()
    return datastore, recorder


def run(corpus, directory, singles):
    path = os.path.join(directory, "es.sqlite")
    datastore, recorder = open_recorder(path)
    mapper = Mapper(transcoder=transcoder())
    versions = {}
    total = sum(len(b) for b in corpus)
    start = time.perf_counter()
    for batch in corpus:
        recorder.insert_events([mapper.to_stored_event(e) for e in events_of(batch, versions)])
    append_seconds = time.perf_counter() - start

    start = time.perf_counter()
    decoded, position = 0, 1
    while True:
        page = recorder.select_notifications(start=position, limit=1000)
        if not page:
            break
        for notification in page:
            mapper.to_domain_event(notification)
            decoded += 1
        position = page[-1].id + 1
    replay_seconds = time.perf_counter() - start

    # Single durable appends: corrections of one record, one event a transaction.
    probe = corpus[0][0]
    start = time.perf_counter()
    for i in range(singles):
        edit = [(probe[0], "Corrected", "bench", "single edit", {"changes": [{"path": "place", "value": f"Điểm {i}"}]})]
        recorder.insert_events([mapper.to_stored_event(e) for e in events_of(edit, versions)])
    single_seconds = time.perf_counter() - start

    with sqlite3.connect(path) as c:
        synchronous = c.execute("PRAGMA synchronous").fetchone()[0]
        journal = c.execute("PRAGMA journal_mode").fetchone()[0]
    datastore.close()
    with sqlite3.connect(path) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = os.path.getsize(path)
    if decoded != total:
        raise SystemExit(f"replay decoded {decoded} events of {total}")
    return {
        "append": total / append_seconds,
        "replay": decoded / replay_seconds,
        "single": singles / single_seconds,
        "bytesPerEvent": size / total,
        "events": total,
        "sqlite": f"journal_mode={journal}, synchronous={synchronous}",
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--singles", type=int, default=1000)
    args = parser.parse_args()
    corpus = load(args.corpus)
    runs = []
    for _ in range(args.repeat):
        directory = tempfile.mkdtemp(prefix="peers-eventsourcing-")
        try:
            runs.append(run(corpus, directory, args.singles))
        finally:
            shutil.rmtree(directory)
    result = {key: statistics.median(r[key] for r in runs) for key in ("append", "replay", "single", "bytesPerEvent")}
    result["runs"] = runs
    result["events"] = runs[0]["events"]
    result["sqlite"] = runs[0]["sqlite"]
    import eventsourcing
    result["library"] = "eventsourcing " + getattr(eventsourcing, "__version__", "9.5.6")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
