public import AnnalsCore

/// A record's state after a run of its events: the fold every reader shares (the editor's checks,
/// the projections, time travel).
public struct RecordState: Hashable, Sendable {
    public let id: RecordID
    /// The current document (canonical JSON, NFC).
    public private(set) var document: JSONValue
    /// The stream version of the last event applied.
    public private(set) var version: UInt64
    public private(set) var retracted: Bool
    public private(set) var createdAt: Timestamp
    public private(set) var createdBy: String
    public private(set) var changedAt: Timestamp
    public private(set) var changedBy: String
    /// The log position of the last event applied.
    public private(set) var position: UInt64
    /// The top-level fields of the document that events after the create have set (corrections,
    /// links), in byte order; every other field is as the create wrote it.
    public private(set) var changedFields: [String]

    /// A state as a projection stored it.
    public init(id: RecordID, document: JSONValue, version: UInt64, retracted: Bool, createdAt: Timestamp, createdBy: String,
                changedAt: Timestamp, changedBy: String, position: UInt64, changedFields: [String] = []) {
        self.id = id
        self.changedFields = changedFields
        self.document = document
        self.version = version
        self.retracted = retracted
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.changedAt = changedAt
        self.changedBy = changedBy
        self.position = position
    }

    /// The typed record.
    public var record: Record {
        get throws { try Record.decode(document, as: id.type) }
    }

    /// Folds a stream's events, oldest first. Nil when the first event is not a create.
    public static func fold(_ events: [RecordedEvent]) throws -> RecordState? {
        var state: RecordState?
        for event in events { state = try apply(event, to: state) }
        return state
    }

    /// Applies one event of the record's stream.
    public static func apply(_ event: RecordedEvent, to state: RecordState?) throws -> RecordState? {
        guard EditKind.parse(event.type) != nil else { return state }
        return try apply(event, payload: JSONValue.parse(event.payload), to: state)
    }

    /// Applies one event whose payload the caller already parsed (`payload` is `event.payload`).
    public static func apply(_ event: RecordedEvent, payload: JSONValue, to state: RecordState?) throws -> RecordState? {
        guard let (type, kind) = EditKind.parse(event.type) else { return state }
        guard var state else {
            guard kind == .created, let document = payload["record"] else {
                throw RecordError.invalidState(id: event.stream.rawValue, problem: "has a \(event.type) event before its creation",
                                               fix: "run verify; the stream is damaged")
            }
            let id = try RecordID(event.stream.rawValue)
            return RecordState(id: id, document: document, version: event.streamVersion, retracted: false,
                               createdAt: event.recordedAt, createdBy: event.metadata.actor,
                               changedAt: event.recordedAt, changedBy: event.metadata.actor, position: event.position)
        }
        switch kind {
        case .created:
            break
        case .corrected:
            for change in try RecordPayload.changes(in: payload) {
                state.document = try state.document.setting(change.field, to: change.new ?? .null)
                if case .key(let name)? = change.field.steps.first { state.markChanged(name) }
            }
        case .retracted:
            state.retracted = true
        case .restored:
            state.retracted = false
        case .linked, .unlinked:
            let ends = try RecordPayload.linkEnds(in: payload)
            let field = type == .article ? "linkedEvents" : "sourceArticles"
            let other = type == .article ? ends.event : ends.article
            var links = state.document[field].flatMap { value -> [JSONValue]? in
                if case .array(let items) = value { return items }
                return nil
            } ?? []
            links.removeAll { $0 == .string(other.rawValue) }
            if kind == .linked { links.append(.string(other.rawValue)) }
            state.document = try state.document.setting(try FieldPath(field), to: .array(links))
            state.markChanged(field)
        }
        state.version = event.streamVersion
        state.changedAt = event.recordedAt
        state.changedBy = event.metadata.actor
        state.position = event.position
        return state
    }

    private mutating func markChanged(_ name: String) {
        guard !changedFields.contains(name) else { return }
        changedFields.append(name)
        changedFields.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The ids this record is linked to.
    public var links: [RecordID] {
        let field = id.type == .article ? "linkedEvents" : "sourceArticles"
        guard case .array(let items)? = document[field] else { return [] }
        return items.compactMap { $0.stringValue.flatMap { try? RecordID($0) } }
    }
}
