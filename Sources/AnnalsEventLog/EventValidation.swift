import Foundation

/// Checks an event before anything is written and returns it with its text NFC-normalised.
enum EventValidation {
    static let maxTypeBytes = 256

    static func validated(_ event: ProposedEvent) throws -> ProposedEvent {
        var event = event
        event.type = try name(event.type, field: "event type", example: "ArticleCreated")
        guard event.schemaVersion >= 1 else {
            throw EventLogError.invalidInput(field: "schema version", value: "0", fix: "schema versions start at 1")
        }
        let actor = event.metadata.actor.nfc
        guard actor.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw EventLogError.invalidInput(field: "actor", value: event.metadata.actor, fix: "name who made the change (--actor NAME)")
        }
        guard !Text.hasControlCharacter(actor) else {
            throw EventLogError.invalidInput(field: "actor", value: event.metadata.actor, fix: "remove control characters from the actor")
        }
        event.metadata.actor = actor
        event.metadata.reason = event.metadata.reason.map(\.nfc)
        guard String(validating: event.payload, as: UTF8.self) != nil else {
            throw EventLogError.invalidInput(field: "payload", value: "\(event.payload.count) bytes", fix: "payloads must be UTF-8 JSON")
        }
        do {
            // The parser every reader uses: what it refuses never enters the log.
            _ = try JSONParser.parse(event.payload)
        } catch {
            throw EventLogError.invalidInput(field: "payload", value: String(decoding: event.payload.prefix(60), as: UTF8.self),
                                             fix: "payloads must be valid JSON (RFC 8259)")
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
