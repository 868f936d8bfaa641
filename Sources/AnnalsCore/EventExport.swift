import Foundation

/// One line of `annals export`: an event with everything needed to store it again exactly
/// (position, version, time in microseconds, hash). The payload is kept as its exact text, so the
/// bytes, and with them the hash, survive the round trip.
struct EventExport: Codable {
    var position: UInt64
    var id: UUID
    var stream: String
    var version: UInt64
    var type: String
    var schemaVersion: UInt32
    var recordedAt: String
    var recordedAtMicros: Int64
    var actor: String
    var reason: String?
    var correlationId: UUID?
    var causationId: UUID?
    var account: String?
    var effectiveAtMicros: Int64?
    var payload: String
    var hash: String
}

extension RecordedEvent {
    /// The event as one JSON line (no trailing newline), keys sorted.
    public func exportLine() throws -> String {
        let export = EventExport(position: position, id: id, stream: stream.rawValue, version: streamVersion, type: type,
                                 schemaVersion: schemaVersion, recordedAt: recordedAt.description,
                                 recordedAtMicros: recordedAt.microsecondsSinceEpoch, actor: metadata.actor, reason: metadata.reason,
                                 correlationId: metadata.correlationID, causationId: metadata.causationID,
                                 account: metadata.account, effectiveAtMicros: metadata.effectiveAt?.microsecondsSinceEpoch, payload: payloadText, hash: hash.hexString)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(export), as: UTF8.self)
    }

    /// Reads an `exportLine`. Throws `invalidInput` naming what is wrong.
    public init(exportLine line: String) throws {
        let export: EventExport
        do {
            export = try JSONDecoder().decode(EventExport.self, from: Data(line.utf8))
        } catch {
            throw EventLogError.invalidInput(field: "export line", value: String(line.prefix(60)), fix: "give lines written by annals export (\(error))")
        }
        let digits = Array(export.hash.utf8)
        guard digits.count == 64, let hash = Optional(stride(from: 0, to: 64, by: 2).compactMap({ UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16) })),
              hash.count == 32 else {
            throw EventLogError.invalidInput(field: "hash", value: export.hash, fix: "a hash is 64 hexadecimal digits")
        }
        self.init(position: export.position, id: export.id, stream: try StreamID(export.stream), streamVersion: export.version,
                  type: export.type, schemaVersion: export.schemaVersion, payload: Array(export.payload.utf8),
                  metadata: EventMetadata(actor: export.actor, reason: export.reason, correlationID: export.correlationId, causationID: export.causationId, account: export.account,
                                            effectiveAt: export.effectiveAtMicros.map(Timestamp.init(microsecondsSinceEpoch:))),
                  recordedAt: Timestamp(microsecondsSinceEpoch: export.recordedAtMicros), hash: hash)
    }
}
