public import AnnalsCore
public import AnnalsLMDB

extension LMDBEventLog {
    /// Appends events exactly as another log stored them (from an export), keeping their positions,
    /// ids, versions, times and hashes. Each must follow this log's head: the next position, its
    /// stream's next version, a time not before the head's, an id not yet stored, and a hash that
    /// the record bytes re-encoded here reproduce. Anything else is refused naming the position,
    /// and the caller's transaction aborts, so a restore is all or nothing per transaction.
    public func restore(_ exported: [RecordedEvent], in txn: WriteTransaction) throws {
        var head = try readHead(in: txn)
        for event in exported {
            func refuse(_ problem: String) -> EventLogError {
                .invalidInput(field: "exported event at position \(event.position)", value: event.id.uuidString,
                              fix: "\(problem); export the source store again and import the whole file into a new store")
            }
            guard event.position == head.position + 1 else { throw refuse("expected position \(head.position + 1)") }
            let version = try streamHead(event.stream, in: txn)?.version ?? 0
            guard event.streamVersion == version + 1 else { throw refuse("expected version \(version + 1) of \(event.stream)") }
            guard event.recordedAt >= (head.lastRecordedAt ?? event.recordedAt) else { throw refuse("its time goes back") }
            guard try txn.get(ids, Self.idKey(event.id)) == nil else { throw refuse("its id is already stored") }
            let proposed = try EventValidation.validated(ProposedEvent(id: event.id, type: event.type, schemaVersion: event.schemaVersion,
                                                                        payload: event.payload, metadata: event.metadata))
            let record = RecordCodec.encode(position: event.position, streamVersion: event.streamVersion, recordedAt: event.recordedAt,
                                            stream: event.stream, event: proposed)
            let hash = RecordCodec.chainHash(previous: head.hash, record: record)
            guard hash == event.hash else { throw refuse("its hash does not match its content and the chain before it") }
            let key = positionKey(event.position)
            try txn.put(events, key, hash + record, options: .append)
            try txn.put(streams, Self.streamKey(event.stream, event.streamVersion), key, options: .noOverwrite)
            try txn.put(ids, Self.idKey(event.id), key, options: .noOverwrite)
            if let byType { try txn.put(byType, Self.typeKey(event.type, event.position), []) }
            head = LogHead(position: event.position, hash: hash, lastRecordedAt: event.recordedAt)
        }
        try writeHead(head, in: txn)
    }
}
