public import AnnalsCore
public import Foundation

/// The kinds of edit, each an event type per record type: `ArticleCreated`,
/// `DiplomacyEventCorrected`, …
public enum EditKind: String, Sendable, Codable, CaseIterable {
    case created = "Created"
    case corrected = "Corrected"
    case retracted = "Retracted"
    case restored = "Restored"
    case linked = "Linked"
    case unlinked = "Unlinked"

    /// The event type name for a record type.
    public func eventType(for type: RecordType) -> String { type.eventTypePrefix + rawValue }

    /// The kind people name by its verb (`create`, `correct`, `retract`, `restore`, `link`,
    /// `unlink`); nil for any other text.
    public init?(verb: String) {
        guard let kind = Self.allCases.first(where: { $0.verb == verb }) else { return nil }
        self = kind
    }

    /// The verbs, in order, for messages.
    public static var verbs: [String] { allCases.map(\.verb) }

    /// The record type and edit kind an event type name stands for, or nil for foreign types.
    public static func parse(_ eventType: String) -> (RecordType, EditKind)? {
        byEventType[eventType].map { ($0.type, $0.kind) }
    }

    /// Every record event type: one look-up per event on the rebuild's path, where matching
    /// prefixes and suffixes took two thousand instructions.
    private static let byEventType: [String: (type: RecordType, kind: EditKind)] = {
        var all: [String: (type: RecordType, kind: EditKind)] = [:]
        for type in RecordType.allCases {
            for kind in allCases { all[kind.eventType(for: type)] = (type, kind) }
        }
        return all
    }()

    /// For people: "create", "correct", …
    public var verb: String {
        switch self {
        case .created: return "create"
        case .corrected: return "correct"
        case .retracted: return "retract"
        case .restored: return "restore"
        case .linked: return "link"
        case .unlinked: return "unlink"
        }
    }
}

/// The payload schemas of record events. Payloads are canonical JSON. Events are written in the
/// current schema (`currentVersion`); older stored events are upcast on read by the migrations in
/// `migrations/` (a test checks that their chains end at these versions).
///
/// - `…Created`: `{"record": <the record document>}`
/// - `…Corrected`: `{"changes": [{"field": "title", "old": …, "new": …}, …]}`
/// - `…Retracted`, `…Restored`: `{}` (the reason is in the event's metadata)
/// - `…Linked`, `…Unlinked`: `{"article": "article/…", "event": "event/…"}`, on both records' streams
public enum RecordPayload {
    /// The schema version this code writes for a record type's events: articles 1; diplomacy
    /// events 4 (2: counterparts as {name, countryCode}; 3: short unit names; 4: alpha-2 countries, regions apart).
    public static func currentVersion(of type: RecordType) -> UInt32 {
        switch type {
        case .article: return 1
        case .diplomacyEvent: return 4
        }
    }

    public static func created(_ document: JSONValue) -> JSONValue { .object(["record": document]) }

    public static func corrected(_ changes: [FieldChange]) -> JSONValue {
        .object(["changes": .array(changes.map { change in
            .object(["field": .string(change.field.description), "old": change.old ?? .null, "new": change.new ?? .null])
        })])
    }

    public static func link(article: RecordID, event: RecordID) -> JSONValue {
        .object(["article": .string(article.rawValue), "event": .string(event.rawValue)])
    }

    /// The field changes a `…Corrected` payload carries.
    public static func changes(in payload: JSONValue) throws -> [FieldChange] {
        guard case .array(let items)? = payload["changes"] else {
            throw RecordError.invalidField(field: "changes", value: payload.description, fix: "a correction payload lists its changes")
        }
        return try items.map { item in
            guard let field = item["field"]?.stringValue else {
                throw RecordError.invalidField(field: "changes.field", value: item.description, fix: "each change names its field")
            }
            return FieldChange(field: try FieldPath(field), old: item["old"].flatMap { $0 == .null ? nil : $0 },
                               new: item["new"].flatMap { $0 == .null ? nil : $0 })
        }
    }

    /// The record a create's payload holds, as text (`JSONObjectBytes`), without a tree; nil when
    /// the payload is not JSON the scanner reads or holds no record object (the parser then says why).
    public static func recordText(in payload: [UInt8]) -> JSONObjectBytes? {
        (try? JSONObjectBytes(payload[...]))?.object("record")
    }

    /// The article and event ids of a link payload.
    public static func linkEnds(in payload: JSONValue) throws -> (article: RecordID, event: RecordID) {
        guard let article = payload["article"]?.stringValue, let event = payload["event"]?.stringValue else {
            throw RecordError.invalidField(field: "link", value: payload.description, fix: "a link payload names an article and an event")
        }
        return (try RecordID(article), try RecordID(event))
    }

    /// A proposed event for an edit of `type`.
    static func event(_ kind: EditKind, of type: RecordType, payload: JSONValue, context: EditContext) -> ProposedEvent {
        ProposedEvent(id: .timeOrdered(), type: kind.eventType(for: type), schemaVersion: currentVersion(of: type), payload: payload.canonicalBytes,
                      metadata: EventMetadata(actor: context.actor, reason: context.reason, correlationID: context.correlationID,
                                              account: context.account, effectiveAt: context.effectiveAt))
    }
}

/// One field's change: the path, its old value and its new value (nil for absent).
public struct FieldChange: Hashable, Sendable {
    public let field: FieldPath
    public let old: JSONValue?
    public let new: JSONValue?

    public init(field: FieldPath, old: JSONValue?, new: JSONValue?) {
        self.field = field
        self.old = old
        self.new = new
    }
}

/// Who makes an edit, why, and as part of what.
public struct EditContext: Sendable {
    /// Who declares they made the edit (`--actor`, a login, an import job).
    public var actor: String
    public var reason: String?
    public var correlationID: UUID?
    /// The operating-system account running the edit, recorded beside `actor` so an audit can
    /// tell a declared name from the account that typed it. Defaults to this process's account.
    public var account: String?
    /// When the change took effect in the world, when it differs from when it is recorded
    /// (`--effective`, a source's date); nil means now.
    public var effectiveAt: Timestamp?

    public init(actor: String, reason: String? = nil, correlationID: UUID? = nil, account: String? = OSAccount.current,
                effectiveAt: Timestamp? = nil) {
        self.actor = actor
        self.reason = reason
        self.correlationID = correlationID
        self.account = account
        self.effectiveAt = effectiveAt
    }
}
