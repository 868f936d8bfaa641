public import AnnalsCore
import AnnalsProjections
public import AnnalsRecords

/// A record as a reader sees it: its document and who made and last changed it. What `show --json`
/// and `list --json` print, one object per record.
public struct RecordView: Encodable, Sendable {
    public let id: String
    public let type: String
    public let version: UInt64
    public let retracted: Bool
    public let createdAt: String
    public let createdBy: String
    public let changedAt: String
    public let changedBy: String
    /// The log position of the last edit applied.
    public let position: UInt64
    public let record: JSONValue

    public init(_ state: RecordState) {
        id = state.id.rawValue
        type = state.id.type.rawValue
        version = state.version
        retracted = state.retracted
        createdAt = state.createdAt.description
        createdBy = state.createdBy
        changedAt = state.changedAt.description
        changedBy = state.changedBy
        position = state.position
        record = state.document
    }
}

/// One field's change, old and new value (absent: the field was not set).
public struct FieldChangeView: Encodable, Sendable {
    public let field: String
    public let old: JSONValue
    public let new: JSONValue

    public init(field: String, old: JSONValue?, new: JSONValue?) {
        self.field = field
        self.old = old ?? .null
        self.new = new ?? .null
    }
}

/// One edit in a record's history or the audit trail: who, when, why, what changed.
public struct EditView: Encodable, Sendable {
    public let position: UInt64
    public let record: String?
    public let version: UInt64
    public let recordedAt: String
    /// When the edit took effect in the world: the time it was given, else `recordedAt`.
    public let effectiveAt: String
    public let actor: String
    /// The operating-system account that ran the edit (nil for edits from before it was kept).
    public let account: String?
    public let kind: String
    public let reason: String?
    public let changes: [FieldChangeView]
    /// The two ends of a link or unlink.
    public let link: JSONValue?

    public init(_ entry: AuditEntry) {
        position = entry.event.position
        record = entry.record?.rawValue
        version = entry.event.streamVersion
        recordedAt = entry.event.recordedAt.description
        effectiveAt = entry.event.effectiveAt.description
        actor = entry.event.metadata.actor
        account = entry.event.metadata.account
        kind = entry.kind?.verb ?? entry.event.type
        reason = entry.event.metadata.reason
        changes = entry.changes.map { FieldChangeView(field: $0.field.description, old: $0.old, new: $0.new) }
        link = entry.kind == .linked || entry.kind == .unlinked ? try? JSONValue.parse(entry.event.payload) : nil
    }

    private enum CodingKeys: String, CodingKey { case position, record, version, recordedAt, effectiveAt, actor, account, kind, reason, changes, link }

    /// Absent record and reason are written as null (readers rely on the keys); an absent link is left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(position, forKey: .position)
        try container.encode(record.map(JSONValue.string) ?? .null, forKey: .record)
        try container.encode(version, forKey: .version)
        try container.encode(recordedAt, forKey: .recordedAt)
        try container.encode(effectiveAt, forKey: .effectiveAt)
        try container.encode(actor, forKey: .actor)
        try container.encode(account.map(JSONValue.string) ?? .null, forKey: .account)
        try container.encode(kind, forKey: .kind)
        try container.encode(reason.map(JSONValue.string) ?? .null, forKey: .reason)
        try container.encode(changes, forKey: .changes)
        try container.encodeIfPresent(link, forKey: .link)
    }
}

/// What one edit did: the record, its version after it, and the fields it changed.
public struct EditResult: Encodable, Sendable {
    public let id: String
    public let version: UInt64
    /// created, corrected, retracted, restored.
    public let edit: String
    /// The log position of the edit's last entry.
    public let position: UInt64
    public let changes: [FieldChangeView]

    init(_ outcome: RecordEditor.Outcome, edit: String) {
        id = outcome.id.rawValue
        version = outcome.version
        self.edit = edit
        position = outcome.events.last?.position ?? 0
        changes = outcome.changes.map { FieldChangeView(field: $0.field.description, old: $0.old, new: $0.new) }
    }
}

/// What a link or unlink did.
public struct LinkResult: Encodable, Sendable {
    public let article: String
    public let event: String
    /// linked or unlinked.
    public let edit: String
    public let position: UInt64
}

/// One field of `blame`: who last set it, when (both times), in which edit and why.
public struct BlameView: Encodable, Sendable {
    public let field: String
    public let path: String
    public let actor: String
    public let recordedAt: String
    public let effectiveAt: String
    public let kind: String
    public let version: UInt64
    public let reason: String?

    public init(_ line: BlameLine) {
        field = line.field
        path = line.path
        actor = line.event.metadata.actor
        recordedAt = line.event.recordedAt.description
        effectiveAt = line.event.effectiveAt.description
        kind = line.kind.verb
        version = line.event.streamVersion
        reason = line.event.metadata.reason
    }

    /// Written with every key, reason null when none (what `blame --json` prints per line).
    private enum CodingKeys: String, CodingKey { case field, path, actor, recordedAt, effectiveAt, kind, version, reason }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(field, forKey: .field)
        try container.encode(path, forKey: .path)
        try container.encode(actor, forKey: .actor)
        try container.encode(recordedAt, forKey: .recordedAt)
        try container.encode(effectiveAt, forKey: .effectiveAt)
        try container.encode(kind, forKey: .kind)
        try container.encode(version, forKey: .version)
        try container.encode(reason, forKey: .reason)
    }
}
