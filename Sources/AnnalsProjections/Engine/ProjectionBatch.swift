import AnnalsCore
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
        /// What was derived ahead from `after` (a create): see `PreparedEntry.Created`.
        let derived: PreparedEntry.Created?
    }

    /// A record the batch changed.
    struct TouchedRecord {
        let id: RecordID
        /// Its state before the batch (nil when the batch created it).
        let before: RecordState?
        let after: RecordState
        let number: UInt64
        /// The search words of `after` and its stored bytes, when derived ahead (a create).
        let afterWords: Set<FoldedWord>?
        let afterStored: [UInt8]?
    }

    /// Every entry of the batch, upcast, in log order (entries that change no record included).
    let entries: [RecordedEvent]
    /// The entries that changed a record, in log order.
    let changes: [Change]
    /// The records changed, in id order (the order their keys sort in).
    let records: [TouchedRecord]

    /// Builds the batch. `stateBefore` reads a record's state and number as the records
    /// projection holds them before the batch (in the generation being written).
    static func build(_ prepared: [PreparedEntry],
                      stateBefore: (RecordID) throws -> (state: RecordState, number: UInt64)?) throws -> ProjectionBatch {
        var changes: [Change] = []
        var touched: [RecordID: (before: RecordState?, now: RecordState?, number: UInt64, derived: PreparedEntry.Created?)] = [:]
        for item in prepared {
            let entry = item.entry
            guard let payload = item.payload, let (_, kind) = EditKind.parse(entry.type),
                  let id = try? RecordID(entry.stream.rawValue) else { continue }
            var record: (before: RecordState?, now: RecordState?, number: UInt64, derived: PreparedEntry.Created?)
            if let known = touched[id] {
                record = known
            } else {
                let before = try stateBefore(id)
                record = (before?.state, before?.state, before?.number ?? entry.position, nil)
            }
            let change: Change
            if record.now == nil, let created = item.created {
                change = Change(entry: entry, kind: kind, id: id, before: nil, after: created.state, number: record.number, derived: created)
            } else {
                guard let after = try RecordState.apply(entry, payload: payload, to: record.now) else { continue }
                change = Change(entry: entry, kind: kind, id: id, before: record.now, after: after, number: record.number, derived: nil)
            }
            changes.append(change)
            record.now = change.after
            record.derived = change.derived
            touched[id] = record
        }
        let records = touched.compactMap { id, record in
            record.now.map { TouchedRecord(id: id, before: record.before, after: $0, number: record.number,
                                           afterWords: record.derived?.words, afterStored: record.derived?.storedState) }
        }.sorted { $0.id.rawValue.utf8.lexicographicallyPrecedes($1.id.rawValue.utf8) }
        return ProjectionBatch(entries: prepared.map(\.entry), changes: changes, records: records)
    }
}
