import AnnalsCore
import AnnalsLMDB
import AnnalsLMDBLog
import AnnalsMigrations
import AnnalsRecords

/// Where create events are read back from, for record states that leave their document in the
/// create (`StoredState`): the store's own log, inside the transaction at hand so that it sees the
/// transaction's own appends, or another log (the source of a fresh build in a scratch
/// environment) through reads of its own.
enum CreateEventSource {
    case sameEnvironment(LMDBEventLog)
    case other(any EventLog)

    /// The source for projections kept in `environment` following `log`.
    static func of(_ log: any EventLog, for environment: Environment) -> CreateEventSource {
        if let local = log as? LMDBEventLog, local.environment === environment { return .sameEnvironment(local) }
        return .other(log)
    }

    /// The stored event at `position`, or nil.
    func event(at position: UInt64, in txn: Transaction) throws -> RecordedEvent? {
        switch self {
        case .sameEnvironment(let log): return try log.event(at: position, in: txn)
        case .other(let log): return try log.readLog(from: position, limit: 1).first { $0.position == position }
        }
    }
}

/// Reads a record's document back from its create event, in the current schema, within one
/// transaction. A create that is missing, of another stream or not a create is an error naming
/// the fix, never a crash.
struct CreatedDocuments {
    let source: CreateEventSource
    let upcaster: Upcaster
    let txn: Transaction

    /// The document record `id` was created with, at log position `position`: as its text when the
    /// scanner reads it (no tree).
    func created(_ id: RecordID, at position: UInt64) throws -> CreatedDocument {
        guard let stored = try source.event(at: position, in: txn), stored.stream.rawValue == id.rawValue else {
            throw missing(id, position, "there is no event of this record at that position")
        }
        let event = try upcaster.upcast(stored)
        guard let (_, kind) = EditKind.parse(event.type), kind == .created else {
            throw missing(id, position, "the event there is a \(event.type), not a create")
        }
        if let record = RecordPayload.recordText(in: event.payload) {
            return .text(record)
        }
        guard let document = try JSONValue.parse(event.payload)["record"] else {
            throw missing(id, position, "the create holds no record")
        }
        return .tree(document)
    }

    private func missing(_ id: RecordID, _ position: UInt64, _ problem: String) -> ProjectionError {
        ProjectionError.damaged(projection: "records", part: "state of \(id)", value: "created at position \(position)", problem: problem)
    }
}

/// A create's document: its text, or a tree when the text is left to the parser.
enum CreatedDocument {
    case text(JSONObjectBytes)
    case tree(JSONValue)
}

extension CreatedDocuments {
    /// Create events read back from `store`'s own log inside `txn`.
    init(_ store: ProjectedStore, in txn: Transaction) {
        self.init(source: .sameEnvironment(store.log), upcaster: store.upcaster, txn: txn)
    }
}
