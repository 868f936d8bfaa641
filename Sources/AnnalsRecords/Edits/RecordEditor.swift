public import AnnalsCore
import Foundation

/// A log that also keeps each record's current state (such as a store with projections), so edits
/// need not replay the record's stream.
public protocol RecordStateSource {
    /// The current state, or nil when the source does not have it (the editor then replays the stream).
    func currentState(of id: RecordID) throws -> RecordState?
}

/// Turns edits into events: each edit is checked against the record's current state and the
/// schema, then appended with the stream's expected version, so two concurrent edits of one record
/// conflict (`EventLogError.wrongExpectedVersion`) instead of one silently overwriting the other.
///
/// The `plan…` functions only compute the events (for batched imports); the others also append.
public struct RecordEditor {
    public let log: any EventLog
    /// Where current states come from, when the log's owner keeps them; else streams are replayed.
    public let states: (any RecordStateSource)?

    /// An editor appending to `log`, reading current states from `states` (a records projection)
    /// when given, else by replaying each record's stream.
    public init(log: any EventLog, states: (any RecordStateSource)? = nil) {
        self.log = log
        self.states = states
    }

    /// The fields no correction may touch: the id is the stream, links change by link and unlink.
    public static let protectedFields: Set<String> = ["id", "linkedEvents", "sourceArticles"]

    // MARK: - State

    /// The record's current state: from `states` when given (a records projection), else folded
    /// from the record's stream (cost proportional to that stream).
    /// Either way the edit appends with that state's version, so a state that is already stale
    /// makes the append conflict rather than overwrite.
    public func state(of id: RecordID) throws -> RecordState? {
        if let states, let state = try states.currentState(of: id) { return state }
        return try RecordState.fold(log.readStream(id.streamID))
    }

    /// The current state or `unknownRecord`. With `expectedVersion`, a record at another version
    /// is a conflict (`EventLogError.wrongExpectedVersion`): the caller edited an older version.
    public func existing(_ id: RecordID, expectedVersion: UInt64? = nil) throws -> RecordState {
        guard let state = try state(of: id) else { throw RecordError.unknownRecord(id: id.rawValue) }
        if let expectedVersion, expectedVersion != state.version {
            throw EventLogError.wrongExpectedVersion(stream: id.rawValue, expected: .exactly(expectedVersion), actual: state.version)
        }
        return state
    }

    // MARK: - Plans

    /// The create of `record`, which must not exist yet.
    public static func planCreate(_ record: Record, current: RecordState?, context: EditContext) throws -> StreamAppend {
        try record.validate()
        if current != nil {
            throw RecordError.invalidState(id: record.id.rawValue, problem: "already exists", fix: "correct it instead of creating it again")
        }
        var document = try record.document()
        // Links are made by link events, so both sides show them; a create starts without any.
        for field in ["linkedEvents", "sourceArticles"] where document[field] != nil {
            document = try document.setting(FieldPath(field), to: .array([]))
        }
        _ = try Record.decodeInput(document, as: record.type)
        return StreamAppend(stream: try record.id.streamID, expected: .noStream,
                            events: [RecordPayload.event(.created, of: record.type, payload: RecordPayload.created(document), context: context)])
    }

    /// A correction setting each path to its value (nil removes an optional field).
    /// Returns the append and the changes it records, each with its old and new value.
    public static func planCorrection(_ current: RecordState, set assignments: [(FieldPath, JSONValue?)],
                                      context: EditContext) throws -> (StreamAppend, [FieldChange]) {
        try requireReason(context, for: "a correction")
        try requireLive(current, "correct")
        guard !assignments.isEmpty else { throw RecordError.nothingChanged(id: current.id.rawValue) }
        var document = current.document
        var changes: [FieldChange] = []
        for (path, value) in assignments {
            if let fix = RecordSchema.fixedFields[path.topLevelField] {
                throw RecordError.invalidField(field: path.description, value: value?.description ?? "null", fix: fix)
            }
            let new = value?.normalized()
            let old = document.value(at: path)
            if old == new || (old == nil && new == .null) { continue }
            document = try document.setting(path, to: new ?? .null)
            changes.append(FieldChange(field: path, old: old, new: new))
        }
        guard !changes.isEmpty else { throw RecordError.nothingChanged(id: current.id.rawValue) }
        _ = try Record.decodeInput(document, as: current.id.type)
        let event = RecordPayload.event(.corrected, of: current.id.type, payload: RecordPayload.corrected(changes), context: context)
        return (StreamAppend(stream: try current.id.streamID, expected: .exactly(current.version), events: [event]), changes)
    }

    /// The correction that turns the current record into `record`, field by top-level field; nil when
    /// nothing differs (links aside, which imports never change).
    public static func planUpdate(_ current: RecordState, to record: Record, context: EditContext) throws -> (StreamAppend, [FieldChange])? {
        guard case .object(let new) = try incomingDocument(record, beside: current), case .object(let old) = current.document else { return nil }
        let fields = Set(new.keys).union(old.keys).subtracting(protectedFields).sorted()
        let assignments = try fields.filter { new[$0] != old[$0] }.map { (try FieldPath($0), new[$0]) }
        guard !assignments.isEmpty else { return nil }
        return try planCorrection(current, set: assignments, context: context)
    }

    /// `record`'s document with the fields imports never change (id, links) taken from `current`,
    /// so it compares equal to `current.document` exactly when nothing an import carries differs.
    public static func incomingDocument(_ record: Record, beside current: RecordState) throws -> JSONValue {
        var incoming = try record.document()
        for field in protectedFields { incoming = try incoming.setting(FieldPath(field), to: current.document[field] ?? .null) }
        return incoming
    }

    public static func planRetract(_ current: RecordState, context: EditContext) throws -> StreamAppend {
        try requireReason(context, for: "a retraction")
        try requireLive(current, "retract")
        return StreamAppend(stream: try current.id.streamID, expected: .exactly(current.version),
                            events: [RecordPayload.event(.retracted, of: current.id.type, payload: .object([:]), context: context)])
    }

    public static func planRestore(_ current: RecordState, context: EditContext) throws -> StreamAppend {
        try requireReason(context, for: "a restore")
        guard current.retracted else {
            throw RecordError.invalidState(id: current.id.rawValue, problem: "is not retracted", fix: "only a retracted record can be restored")
        }
        return StreamAppend(stream: try current.id.streamID, expected: .exactly(current.version),
                            events: [RecordPayload.event(.restored, of: current.id.type, payload: .object([:]), context: context)])
    }

    /// Links (or, with `unlink`, unlinks) an article and a diplomacy event: one event on each stream.
    public static func planLink(article: RecordState, event: RecordState, unlink: Bool = false, context: EditContext) throws -> [StreamAppend] {
        guard article.id.type == .article else { throw RecordError.wrongRecordType(id: article.id.rawValue, expected: "an article") }
        guard event.id.type == .diplomacyEvent else { throw RecordError.wrongRecordType(id: event.id.rawValue, expected: "a diplomacy event") }
        try requireLive(article, unlink ? "unlink" : "link")
        try requireLive(event, unlink ? "unlink" : "link")
        let linked = article.links.contains(event.id)
        if linked != unlink {
            throw RecordError.invalidState(id: article.id.rawValue, problem: linked ? "is already linked to \(event.id)" : "is not linked to \(event.id)",
                                           fix: linked ? "nothing to do" : "check the ids with show")
        }
        let kind: EditKind = unlink ? .unlinked : .linked
        let payload = RecordPayload.link(article: article.id, event: event.id)
        return [
            StreamAppend(stream: try article.id.streamID, expected: .exactly(article.version),
                         events: [RecordPayload.event(kind, of: .article, payload: payload, context: context)]),
            StreamAppend(stream: try event.id.streamID, expected: .exactly(event.version),
                         events: [RecordPayload.event(kind, of: .diplomacyEvent, payload: payload, context: context)]),
        ]
    }

    private static func requireReason(_ context: EditContext, for what: String) throws {
        guard let reason = context.reason, reason.contains(where: { !$0.isWhitespace }) else {
            throw RecordError.invalidField(field: "reason", value: context.reason ?? "", fix: "\(what) needs a reason: say why it is made")
        }
    }

    private static func requireLive(_ state: RecordState, _ verb: String) throws {
        if state.retracted {
            throw RecordError.invalidState(id: state.id.rawValue, problem: "is retracted", fix: "restore it before you \(verb) it")
        }
    }

    // MARK: - Edits

    /// What an edit appended.
    public struct Outcome: Sendable {
        public let id: RecordID
        /// The record's version after the edit.
        public let version: UInt64
        public let events: [RecordedEvent]
        public let changes: [FieldChange]
    }

    @discardableResult
    public func create(_ record: Record, context: EditContext) throws -> Outcome {
        let append = try Self.planCreate(record, current: state(of: record.id), context: context)
        return try outcome(record.id, log.append([append]), [])
    }

    @discardableResult
    public func correct(_ id: RecordID, set assignments: [(FieldPath, JSONValue?)], expectedVersion: UInt64? = nil, context: EditContext) throws -> Outcome {
        let (append, changes) = try Self.planCorrection(existing(id, expectedVersion: expectedVersion), set: assignments, context: context)
        return try outcome(id, log.append([append]), changes)
    }

    /// A correction given as `field=value` texts (the CLI's `--set`), each value read by the type
    /// the field has in the record's current state.
    @discardableResult
    public func correct(_ id: RecordID, setting texts: [String], expectedVersion: UInt64? = nil, context: EditContext) throws -> Outcome {
        let current = try existing(id, expectedVersion: expectedVersion)
        let assignments = try texts.map { try FieldPath.assignment($0, in: current.document) }
        let (append, changes) = try Self.planCorrection(current, set: assignments, context: context)
        return try outcome(id, log.append([append]), changes)
    }

    @discardableResult
    public func retract(_ id: RecordID, expectedVersion: UInt64? = nil, context: EditContext) throws -> Outcome {
        try outcome(id, log.append([Self.planRetract(existing(id, expectedVersion: expectedVersion), context: context)]), [])
    }

    @discardableResult
    public func restore(_ id: RecordID, expectedVersion: UInt64? = nil, context: EditContext) throws -> Outcome {
        try outcome(id, log.append([Self.planRestore(existing(id, expectedVersion: expectedVersion), context: context)]), [])
    }

    @discardableResult
    public func link(article: RecordID, event: RecordID, unlink: Bool = false, context: EditContext) throws -> Outcome {
        guard article.type == .article else { throw RecordError.wrongRecordType(id: article.rawValue, expected: "an article") }
        guard event.type == .diplomacyEvent else { throw RecordError.wrongRecordType(id: event.rawValue, expected: "a diplomacy event") }
        let appends = try Self.planLink(article: existing(article), event: existing(event), unlink: unlink, context: context)
        return try outcome(article, log.append(appends), [])
    }

    private func outcome(_ id: RecordID, _ events: [RecordedEvent], _ changes: [FieldChange]) throws -> Outcome {
        let version = events.last { $0.stream.rawValue == id.rawValue }?.streamVersion ?? 0
        return Outcome(id: id, version: version, events: events, changes: changes)
    }
}

extension FieldPath {
    /// Parses a `field=value` assignment (as the CLI's `--set` gives it). The value is read by the type the
    /// field has now: text for text fields, a whole number for numbers, JSON for lists and objects;
    /// an empty value removes an optional field.
    public static func assignment(_ text: String, in document: JSONValue) throws -> (FieldPath, JSONValue?) {
        guard let equals = text.firstIndex(of: "=") else {
            throw RecordError.invalidField(field: "assignment", value: text, fix: "write field=value, as in title=Hội nghị…")
        }
        let path = try FieldPath(String(text[..<equals]))
        let raw = String(text[text.index(after: equals)...])
        if raw.isEmpty { return (path, nil) }
        switch document.value(at: path) {
        case .string?: return (path, .string(raw))
        case .integer?, .double?:
            guard let number = Int64(raw), raw != "-0" else {
                throw RecordError.invalidField(field: path.description, value: raw, fix: "give a whole number (without a sign on 0)")
            }
            return (path, .integer(number))
        case .array?, .object?, .bool?:
            do { return (path, try JSONValue.parseInput(Array(raw.utf8))) } catch {
                throw RecordError.invalidField(field: path.description, value: raw, fix: "give JSON, such as [\"a\",\"b\"] for a list")
            }
        case .null?, nil:
            if let parsed = try? JSONValue.parseInput(Array(raw.utf8)), raw.first.map({ "[{".contains($0) }) == true {
                return (path, parsed)
            }
            if let number = Int64(raw), raw != "-0", path.topLevelField == "viewCount" { return (path, .integer(number)) }
            return (path, .string(raw))
        }
    }
}
