public import AnnalsCore
import Foundation
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
            let version = try streamHead(event.stream, in: txn)?.version ?? 0
            let record = try RestoreCheck.record(for: event, after: head, streamVersion: version,
                                                 idStored: try txn.get(ids, Self.idKey(event.id)) != nil)
            let hash = event.hash
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
