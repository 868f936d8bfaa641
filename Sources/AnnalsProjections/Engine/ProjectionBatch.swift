import AnnalsCore
import AnnalsMigrations
import AnnalsRecords

/// A batch of log entries as every projection sees it, computed once and shared: the entries in
/// the current schema, each record change with the record's state just before and just after it,
/// and each touched record's state before the batch and after it.
struct ProjectionBatch {
    /// One entry that changed a record.
    struct Change {
        let entry: RecordedEvent
        let kind: EditKind
        let id: RecordID
        /// The record's state just before this entry (nil before its create).
        let before: RecordState?
        let after: RecordState
        /// The record's number: the log position of its create.
        let number: UInt64
    }

    /// A record the batch changed.
    struct TouchedRecord {
        let id: RecordID
        /// Its state before the batch (nil when the batch created it).
        let before: RecordState?
        let after: RecordState
        let number: UInt64
    }

    /// Every entry of the batch, upcast, in log order (entries that change no record included).
    let entries: [RecordedEvent]
    /// The entries that changed a record, in log order.
    let changes: [Change]
    /// The records changed, in id order (the order their keys sort in).
    let records: [TouchedRecord]

    /// Builds the batch. `stored` reads a record's state and number as the records projection holds
    /// them before the batch (the generation being written).
    static func build(_ stored: [RecordedEvent], upcaster: Upcaster,
                      stateBefore: (RecordID) throws -> (state: RecordState, number: UInt64)?) throws -> ProjectionBatch {
        var entries: [RecordedEvent] = []
        entries.reserveCapacity(stored.count)
        var changes: [Change] = []
        var touched: [RecordID: (before: RecordState?, now: RecordState?, number: UInt64)] = [:]
        for raw in stored {
            let entry = try upcaster.upcast(raw)
            entries.append(entry)
            guard let (_, kind) = EditKind.parse(entry.type), let id = try? RecordID(entry.stream.rawValue) else { continue }
            var record: (before: RecordState?, now: RecordState?, number: UInt64)
            if let known = touched[id] {
                record = known
            } else {
                let before = try stateBefore(id)
                record = (before?.state, before?.state, before?.number ?? entry.position)
            }
            guard let after = try RecordState.apply(entry, to: record.now) else { continue }
            changes.append(Change(entry: entry, kind: kind, id: id, before: record.now, after: after, number: record.number))
            record.now = after
            touched[id] = record
        }
        let records = touched.compactMap { id, record in
            record.now.map { TouchedRecord(id: id, before: record.before, after: $0, number: record.number) }
        }.sorted { $0.id.rawValue.utf8.lexicographicallyPrecedes($1.id.rawValue.utf8) }
        return ProjectionBatch(entries: entries, changes: changes, records: records)
    }
}
