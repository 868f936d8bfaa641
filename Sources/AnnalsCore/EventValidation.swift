public import Foundation

/// Checks an event before anything is written and returns it with its text NFC-normalised.
package enum EventValidation {
    static let maxTypeBytes = 256
    /// An actor is part of the audit index's LMDB keys (at most 511 bytes with the rest).
    package static let maxActorBytes = 200
    package static let maxReasonBytes = 4096

    /// Validates and normalises an append, outside any transaction.
    package static func prepare(_ appends: [StreamAppend]) throws -> [StreamAppend] {
        guard appends.contains(where: { !$0.events.isEmpty }) else {
            throw EventLogError.invalidInput(field: "append", value: "0 events", fix: "give at least one event to append")
        }
        var seenStreams = Set<StreamID>()
        var seenIDs = Set<UUID>()
        return try appends.map { entry in
            guard seenStreams.insert(entry.stream).inserted else {
                throw EventLogError.invalidInput(field: "stream id", value: entry.stream.rawValue,
                                                 fix: "a stream may appear once per append; put all its events in one entry")
            }
            var entry = entry
            entry.events = try entry.events.map { event in
                guard seenIDs.insert(event.id).inserted else {
                    throw EventLogError.invalidInput(field: "event id", value: event.id.uuidString, fix: "each event in an append needs its own id")
                }
                return try validated(event)
            }
            return entry
        }
    }

    /// The idempotency rule every log applies before appending: the stored events when every
    /// event of the append is already stored with the same content (nothing is to be written); nil
    /// when none is; `partialDuplicate` when only some are, `eventIdReused` when an id is stored
    /// with other content. `stored` looks an id up: its event and position, or nil.
    package static func alreadyStored(_ appends: [StreamAppend], lookup stored: (UUID) throws -> (RecordedEvent?, UInt64)?) throws -> [RecordedEvent]? {
        var found: [RecordedEvent] = []
        var missing = 0
        for entry in appends {
            for event in entry.events {
                guard let (existing, position) = try stored(event.id) else {
                    missing += 1
                    continue
                }
                guard let existing, existing.hasSameContent(as: event, stream: entry.stream) else {
                    throw EventLogError.eventIdReused(id: event.id.uuidString, position: position)
                }
                found.append(existing)
            }
        }
        if found.isEmpty { return nil }
        guard missing == 0 else { throw EventLogError.partialDuplicate(storedIDs: found.map { $0.id.uuidString }) }
        return found.sorted { $0.position < $1.position }
    }

    /// Throws `wrongExpectedVersion` unless a stream at `actual` meets `expected`.
    package static func check(_ expected: ExpectedVersion, actual: UInt64, stream: StreamID) throws {
        switch expected {
        case .any: return
        case .noStream where actual == 0: return
        case .exactly(let version) where version == actual: return
        default:
            throw EventLogError.wrongExpectedVersion(stream: stream.rawValue, expected: expected, actual: actual)
        }
    }

    package static func validated(_ event: ProposedEvent) throws -> ProposedEvent {
        var event = event
        event.type = try name(event.type, field: "event type", example: "ArticleCreated")
        guard event.schemaVersion >= 1 else {
            throw EventLogError.invalidInput(field: "schema version", value: "0", fix: "schema versions start at 1")
        }
        let actor = event.metadata.actor.nfc
        guard actor.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw EventLogError.invalidInput(field: "actor", value: event.metadata.actor, fix: "name who made the change")
        }
        guard !Text.hasControlCharacter(actor) else {
            throw EventLogError.invalidInput(field: "actor", value: event.metadata.actor, fix: "remove control characters from the actor")
        }
        guard actor.utf8.count <= maxActorBytes else {
            throw EventLogError.invalidInput(field: "actor", value: String(actor.prefix(40)) + "…",
                                             fix: "an actor is at most \(maxActorBytes) bytes (it is part of the audit index's keys); shorten it")
        }
        event.metadata.actor = actor
        if let account = event.metadata.account.map(\.nfc) {
            guard !account.isEmpty, account.utf8.count <= maxActorBytes, !Text.hasControlCharacter(account) else {
                throw EventLogError.invalidInput(field: "account", value: account,
                                                 fix: "an account name is 1 to \(maxActorBytes) bytes without control characters")
            }
            event.metadata.account = account
        }
        if let reason = event.metadata.reason.map(\.nfc) {
            guard reason.utf8.count <= maxReasonBytes else {
                throw EventLogError.invalidInput(field: "reason", value: String(reason.prefix(40)) + "…",
                                                 fix: "a reason is at most \(maxReasonBytes) bytes; say it shorter, or point at a document")
            }
            guard !Text.hasControlCharacter(reason) else {
                throw EventLogError.invalidInput(field: "reason", value: reason,
                                                 fix: "remove control characters (line breaks, terminal escapes) from the reason; write it on one line")
            }
            event.metadata.reason = reason
        }
        do {
            // The grammar every reader's parser reads (UTF-8 included): what it refuses never enters the log.
            try JSONValidator.validate(event.payload)
        } catch let error as JSONError {
            throw EventLogError.invalidInput(field: "payload", value: String(decoding: event.payload.prefix(60), as: UTF8.self),
                                             fix: "payloads must be valid UTF-8 JSON (RFC 8259): \(error.problem) at byte \(error.offset)")
        }
        return event
    }

    static func name(_ text: String, field: String, example: String) throws -> String {
        let normalized = text.nfc
        guard !normalized.isEmpty, normalized.utf8.count <= maxTypeBytes,
              !Text.hasControlCharacter(normalized) else {
            throw EventLogError.invalidInput(field: field, value: text,
                                             fix: "give a non-empty name of at most \(maxTypeBytes) bytes without control characters, such as \(example)")
        }
        return normalized
    }
}
