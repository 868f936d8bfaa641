public import AnnalsCore

/// One edit as an auditor reads it: who, when, what kind, which record, each field old → new, why.
public struct AuditEntry: Hashable, Sendable {
    public let event: RecordedEvent
    public let record: RecordID?
    public let kind: EditKind?
    public let changes: [FieldChange]

    public init(_ event: RecordedEvent) {
        self.event = event
        record = try? RecordID(event.stream.rawValue)
        let parsed = EditKind.parse(event.type)
        kind = parsed?.1
        if parsed?.1 == .corrected, let payload = try? JSONValue.parse(event.payload) {
            changes = (try? RecordPayload.changes(in: payload)) ?? []
        } else if parsed?.1 == .created, let document = (try? JSONValue.parse(event.payload))?["record"], case .object(let fields) = document {
            changes = fields.keys.sorted().compactMap { key in
                (try? FieldPath(key)).map { FieldChange(field: $0, old: nil, new: fields[key]) }
            }
        } else {
            changes = []
        }
    }
}

/// Which edits an audit shows; nil means any.
public struct AuditFilter: Sendable {
    public var actor: String?
    public var record: RecordID?
    public var since: Timestamp?
    public var until: Timestamp?
    public var kind: EditKind?
    public var limit: Int = .max

    public init(actor: String? = nil, record: RecordID? = nil, since: Timestamp? = nil, until: Timestamp? = nil,
                kind: EditKind? = nil, limit: Int = .max) {
        // Actors are stored in NFC: a name typed in NFD (as some keyboards and file systems give it) must match.
        self.actor = actor?.nfc
        self.record = record
        self.since = since
        self.until = until
        self.kind = kind
        self.limit = limit
    }

    /// True when `event` passes every part of the filter.
    package func matches(_ event: RecordedEvent) -> Bool {
        if let actor, event.metadata.actor != actor { return false }
        if let record, event.stream.rawValue != record.rawValue { return false }
        if let since, event.recordedAt < since { return false }
        if let until, event.recordedAt > until { return false }
        if let kind, EditKind.parse(event.type)?.1 != kind { return false }
        return true
    }
}

/// Who last set one field of a record, when and why.
public struct BlameLine: Hashable, Sendable {
    /// The top-level field.
    public let field: String
    /// The exact path that was set (`quantities[0].value`), which may be inside `field`.
    public let path: String
    public let event: RecordedEvent
    public let kind: EditKind

    package init(field: String, path: String, event: RecordedEvent, kind: EditKind) {
        self.field = field
        self.path = path
        self.event = event
        self.kind = kind
    }
}

