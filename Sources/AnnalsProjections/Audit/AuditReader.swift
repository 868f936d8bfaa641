public import AnnalsCore
public import AnnalsRecords
import AnnalsLMDB

/// The audit projection's queries, and the record histories auditors read: edits by actor,
/// record, time and kind, and who last set each field. Only this folder knows its tables.
public struct AuditReader {
    let store: ProjectedStore

    public init(_ store: ProjectedStore) { self.store = store }

    /// Edits matching `filter`, newest first: by record from its stream, by actor from the audit
    /// index, otherwise from the log between the positions bounding `since` and `until`.
    public func edits(_ filter: AuditFilter) throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        func take(_ event: RecordedEvent) -> Bool {
            if filter.matches(event) { entries.append(AuditEntry(event)) }
            return entries.count < filter.limit
        }
        if let record = filter.record {
            for event in try store.events.readStream(record.streamID, from: .max, direction: .backwards, limit: .max) where !take(event) { break }
            return entries
        }
        if let actor = filter.actor {
            try store.environment.read { txn in
                let table = try store.projections.liveTables(of: .audit, in: txn)(AuditProjection.byActorTable)
                let prefix = Array(actor.utf8) + [0]
                try txn.scan(table, from: prefix, to: Array(actor.utf8) + [1], reverse: true) { entry in
                    guard let event = try store.log.event(at: readBigEndian(entry.key.suffix(8)), in: txn) else { return true }
                    return take(try store.upcaster.upcast(event))
                }
            }
            return entries
        }
        let upper = try filter.until.map { try store.position(at: $0) } ?? store.events.head().position
        let lower = try filter.since.map { try store.position(at: Timestamp(microsecondsSinceEpoch: $0.microsecondsSinceEpoch - 1)) + 1 } ?? 1
        if let kind = filter.kind, lower <= upper {
            // One kind of edit: its event types' ranges of the by-type index, not the whole store.log.
            let types = RecordType.allCases.map { kind.eventType(for: $0) }
            let found: [RecordedEvent]? = try store.environment.read { txn in
                try store.log.positions(ofTypes: types, from: lower, through: upper, limit: filter.limit, in: txn)?.compactMap { position in
                    try store.log.event(at: position, in: txn).map(store.upcaster.upcast)
                }
            }
            if let found {
                for event in found where !take(event) { break }
                return entries
            }
        }
        var cursor = upper
        while cursor >= lower && cursor > 0 {
            let from = cursor >= lower + 255 ? cursor - 255 : lower
            let chunk = try store.events.readLog(from: from, limit: Int(cursor - from + 1))
            for event in chunk.reversed() where !take(event) { return entries }
            if from <= lower { break }
            cursor = from - 1
        }
        return entries
    }

    /// For each top-level field of the record (its id aside), the edit that last set it (a create
    /// sets them all), from the record's own stream.
    public func blame(_ id: RecordID) throws -> [BlameLine] {
        var lines: [String: BlameLine] = [:]
        var state: RecordState?
        for event in try store.events.readStream(id.streamID) {
            state = try RecordState.apply(event, to: state)
            guard let kind = EditKind.parse(event.type)?.1 else { continue }
            switch kind {
            case .created:
                if case .object(let fields)? = try JSONValue.parse(event.payload)["record"] {
                    for field in fields.keys where field != "id" { lines[field] = BlameLine(field: field, path: field, event: event, kind: kind) }
                }
            case .corrected:
                for change in try RecordPayload.changes(in: JSONValue.parse(event.payload)) {
                    let field = change.field.topLevelField
                    lines[field] = BlameLine(field: field, path: change.field.description, event: event, kind: kind)
                }
            case .linked, .unlinked:
                let field = id.type == .article ? "linkedEvents" : "sourceArticles"
                lines[field] = BlameLine(field: field, path: field, event: event, kind: kind)
            case .retracted, .restored:
                continue
            }
        }
        guard state != nil else { throw RecordError.unknownRecord(id: id.rawValue) }
        return lines.values.sorted { $0.field < $1.field }
    }
}

