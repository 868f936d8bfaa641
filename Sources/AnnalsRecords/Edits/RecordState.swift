public import AnnalsCore

/// A record's state after a run of its events: the fold every reader shares (the editor's checks,
/// the projections, time travel).
public struct RecordState: Hashable, Sendable {
    public let id: RecordID
    /// The current document (canonical JSON, NFC). A state that holds its document as text
    /// (`created(_:)`, and the edits after it) builds it on each read: `field(_:)` reads one
    /// field without the rest.
    public var document: JSONValue {
        switch content {
        case .tree(let document): return document
        case .text(let text): return text.tree
        }
    }
    /// The document as a tree, or as the create's text until an edit changes it.
    private var content: Content
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
        self.content = .tree(document)
        self.version = version
        self.retracted = retracted
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.changedAt = changedAt
        self.changedBy = changedBy
        self.position = position
    }

    /// A state whose document is `record`'s text: as its create wrote it, with the fields edits
    /// set since spliced in.
    package init(id: RecordID, record: JSONObjectBytes, version: UInt64, retracted: Bool, createdAt: Timestamp, createdBy: String,
                 changedAt: Timestamp, changedBy: String, position: UInt64, changedFields: [String] = []) {
        self.init(id: id, document: .null, version: version, retracted: retracted, createdAt: createdAt, createdBy: createdBy,
                  changedAt: changedAt, changedBy: changedBy, position: position, changedFields: changedFields)
        content = .text(record)
    }

    /// The state a create makes, its document read from the create's text: what `apply` makes of
    /// the create, without a tree. Nil when the payload holds no record object the scanner reads
    /// (`apply` says why, if anything is wrong).
    package static func created(_ event: RecordedEvent) throws -> RecordState? {
        guard let (_, kind) = EditKind.parse(event.type), kind == .created, let record = RecordPayload.recordText(in: event.payload) else { return nil }
        return RecordState(id: try RecordID(event.stream.rawValue), record: record, version: event.streamVersion, retracted: false,
                           createdAt: event.recordedAt, createdBy: event.metadata.actor,
                           changedAt: event.recordedAt, changedBy: event.metadata.actor, position: event.position)
    }

    /// The document's top-level field `name`, or nil when it has none.
    public func field(_ name: String) -> JSONValue? {
        switch content {
        case .tree(let document): return document[name]
        case .text(let text): return text.parsedValue(name)
        }
    }

    /// The document's top-level field `name` when it is a string, else nil.
    public func stringField(_ name: String) -> String? {
        switch content {
        case .tree(let document): return document[name]?.stringValue
        case .text(let text): return text.string(name)
        }
    }

    /// The JSON text of field `name` when the state holds its document as text (the create's, with
    /// the fields edits set since spliced in as canonical JSON); nil otherwise, or when there is no
    /// such field.
    package func fieldText(_ name: String) -> ArraySlice<UInt8>? {
        guard case .text(let text) = content else { return nil }
        return text.value(name)
    }

    /// The document as text, when the state holds it so (the create's, with the fields edits set
    /// since spliced in): read a field as an object or a list of objects without a tree. Nil for a
    /// state that holds a tree.
    package var documentText: JSONObjectBytes? {
        guard case .text(let text) = content else { return nil }
        return text
    }

    /// Whether field `name` is known to be the same in both states from their texts alone: the
    /// same bytes, or absent from both. False only says the texts cannot tell.
    package func sameFieldText(_ name: String, as other: RecordState) -> Bool {
        guard let a = documentText, let b = other.documentText else { return false }
        switch (a.value(name), b.value(name)) {
        case let (x?, y?): return JSONObjectBytes.sameBytes(x, y)
        case (nil, nil): return true
        default: return false
        }
    }

    /// Whether field `name` is equal (`JSONValue`'s `==`) in both states: known from the text when
    /// both hold the same bytes there or both lack the field, else by parsing the field.
    public func sameField(_ name: String, as other: RecordState) -> Bool {
        sameFieldText(name, as: other) || field(name) == other.field(name)
    }

    public static func == (a: RecordState, b: RecordState) -> Bool {
        guard a.id == b.id, a.version == b.version, a.retracted == b.retracted, a.createdAt == b.createdAt, a.createdBy == b.createdBy,
              a.changedAt == b.changedAt, a.changedBy == b.changedBy, a.position == b.position, a.changedFields == b.changedFields else {
            return false
        }
        if case .text(let x) = a.content, case .text(let y) = b.content, JSONObjectBytes.sameBytes(x.text, y.text) { return true }
        return a.document == b.document
    }

    /// Hashes what `==` compares but the document, whose equal forms (a tree, a text) hash apart.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(version)
        hasher.combine(position)
        hasher.combine(retracted)
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
                                               fix: "the stream is damaged; verify the log")
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
                try state.set(change.field, to: change.new ?? .null)
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
            var links = state.field(field).flatMap { value -> [JSONValue]? in
                if case .array(let items) = value { return items }
                return nil
            } ?? []
            links.removeAll { $0 == .string(other.rawValue) }
            if kind == .linked { links.append(.string(other.rawValue)) }
            try state.set(try FieldPath(field), to: .array(links))
            state.markChanged(field)
        }
        state.version = event.streamVersion
        state.changedAt = event.recordedAt
        state.changedBy = event.metadata.actor
        state.position = event.position
        return state
    }

    /// Sets `path` as `JSONValue.setting` does. A document held as text stays text: only the
    /// top-level field the path starts at is parsed, set and spliced back in.
    private mutating func set(_ path: FieldPath, to value: JSONValue) throws {
        if case .text(let text) = content, case .key(let name)? = path.steps.first {
            // The field alone, set as the whole document would set it.
            let field = try JSONValue.object(text.parsedValue(name).map { [name: $0] } ?? [:]).setting(path, to: value)
            if let spliced = text.replacing(name, with: field[name]?.canonicalBytes) {
                content = .text(spliced)
                return
            }
        }
        content = .tree(try document.setting(path, to: value))
    }

    private mutating func markChanged(_ name: String) {
        guard !changedFields.contains(name) else { return }
        changedFields.append(name)
        changedFields.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The ids this record is linked to.
    public var links: [RecordID] {
        let field = id.type == .article ? "linkedEvents" : "sourceArticles"
        guard case .array(let items)? = self.field(field) else { return [] }
        return items.compactMap { $0.stringValue.flatMap { try? RecordID($0) } }
    }
}

extension RecordState {
    /// A document held as a tree, or as the text of the create that made it.
    private enum Content: Sendable {
        case tree(JSONValue)
        case text(JSONObjectBytes)
    }
}
