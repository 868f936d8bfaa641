import Crypto
public import Foundation

/// The binary layout of one stored event (record format 1). All integers are big-endian.
///
/// ```
/// value   = hash[32] record
/// record  = format:u8(=1) position:u64 id:16 streamVersion:u64 recordedAt:i64(µs, UTC)
///           schemaVersion:u32 flags:u8 stream:str type:str actor:str
///           [reason:str if flags&1] [correlation:16 if flags&2] [causation:16 if flags&4]
///           [account:str if flags&8] [effectiveAt:i64 (µs, UTC) if flags&16]
///           payload:bytes
/// str     = length:u32 UTF-8 bytes          bytes = length:u32 bytes
/// hash    = SHA-256(previous event's hash ‖ record)   (32 zero bytes before position 1)
/// ```
/// The hash covers exactly the record bytes as stored; verification never re-encodes.
package enum RecordCodec {
    package static let recordFormat: UInt8 = 1

    /// SHA-256 over the previous event's hash and this event's record bytes: the chain every log keeps.
    package static func chainHash(previous: [UInt8], record: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: record)
        return Array(hasher.finalize())
    }
    package static let hashSize = 32

    /// The hash `event` chains to after `previous`, computed from its fields re-encoded rather
    /// than taken from its stored hash: how an event read from another copy of the log is checked
    /// against a chain held here (a changed byte with its old hash left in place is caught).
    package static func rehash(_ event: RecordedEvent, after previous: [UInt8]) -> [UInt8] {
        chainHash(previous: previous, record: encode(
            position: event.position, streamVersion: event.streamVersion, recordedAt: event.recordedAt, stream: event.stream,
            event: ProposedEvent(id: event.id, type: event.type, schemaVersion: event.schemaVersion, payload: event.payload, metadata: event.metadata)))
    }

    package static func encode(position: UInt64, streamVersion: UInt64, recordedAt: Timestamp,
                       stream: StreamID, event: ProposedEvent) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(80 + stream.rawValue.utf8.count + event.type.utf8.count
                            + event.metadata.actor.utf8.count + (event.metadata.reason?.utf8.count ?? 0) + event.payload.count)
        out.append(recordFormat)
        out.appendBigEndian(position)
        out.appendUUID(event.id)
        out.appendBigEndian(streamVersion)
        out.appendBigEndian(UInt64(bitPattern: recordedAt.microsecondsSinceEpoch))
        out.appendBigEndian(event.schemaVersion)
        var flags: UInt8 = 0
        if event.metadata.reason != nil { flags |= 1 }
        if event.metadata.correlationID != nil { flags |= 2 }
        if event.metadata.causationID != nil { flags |= 4 }
        if event.metadata.account != nil { flags |= 8 }
        if event.metadata.effectiveAt != nil { flags |= 16 }
        out.append(flags)
        out.appendString(stream.rawValue)
        out.appendString(event.type)
        out.appendString(event.metadata.actor)
        if let reason = event.metadata.reason { out.appendString(reason) }
        if let id = event.metadata.correlationID { out.appendUUID(id) }
        if let id = event.metadata.causationID { out.appendUUID(id) }
        if let account = event.metadata.account { out.appendString(account) }
        if let effective = event.metadata.effectiveAt { out.appendBigEndian(UInt64(bitPattern: effective.microsecondsSinceEpoch)) }
        out.appendBigEndian(UInt32(event.payload.count))
        out.append(contentsOf: event.payload)
        return out
    }

    /// Gives the events of an append their positions (after `head`), stream versions (after each
    /// stream's `startVersions` entry), time and chained hashes, in log order, calling `store` with
    /// each event and its record bytes (what the hash covers) as it goes. Every log appends this way.
    package static func chain(_ appends: [StreamAppend], startVersions: [UInt64], after head: LogHead, recordedAt: Timestamp,
                              _ store: (RecordedEvent, [UInt8]) throws -> Void) rethrows -> [RecordedEvent] {
        var position = head.position
        var previousHash = head.hash
        var recorded: [RecordedEvent] = []
        for (entry, startVersion) in zip(appends, startVersions) {
            var version = startVersion
            for event in entry.events {
                position += 1
                version += 1
                let record = encode(position: position, streamVersion: version, recordedAt: recordedAt, stream: entry.stream, event: event)
                let hash = chainHash(previous: previousHash, record: record)
                let stored = RecordedEvent(position: position, id: event.id, stream: entry.stream, streamVersion: version,
                                           type: event.type, schemaVersion: event.schemaVersion, payload: event.payload,
                                           metadata: event.metadata, recordedAt: recordedAt, hash: hash)
                try store(stored, record)
                recorded.append(stored)
                previousHash = hash
            }
        }
        return recorded
    }

    /// Decodes a stored value (hash + record). Throws `corruptRecord` naming `position` on any defect.
    package static func decode(value: [UInt8], position: UInt64) throws -> RecordedEvent {
        guard value.count > hashSize else {
            throw EventLogError.corruptRecord(position: position, detail: "value of \(value.count) bytes is too short")
        }
        var reader = ByteReader(bytes: value, offset: hashSize, position: position)
        let format = try reader.u8()
        guard format == recordFormat else {
            throw EventLogError.corruptRecord(position: position, detail: "unknown record format \(format)")
        }
        let storedPosition = try reader.u64()
        let id = try reader.uuid()
        let version = try reader.u64()
        let recordedAt = Timestamp(microsecondsSinceEpoch: Int64(bitPattern: try reader.u64()))
        let schemaVersion = try reader.u32()
        let flags = try reader.u8()
        let stream = try reader.string()
        let type = try reader.string()
        let actor = try reader.string()
        let reason = flags & 1 != 0 ? try reader.string() : nil
        let correlation = flags & 2 != 0 ? try reader.uuid() : nil
        let causation = flags & 4 != 0 ? try reader.uuid() : nil
        let account = flags & 8 != 0 ? try reader.string() : nil
        let effective = flags & 16 != 0 ? Timestamp(microsecondsSinceEpoch: Int64(bitPattern: try reader.u64())) : nil
        let payload = try reader.lengthPrefixed()
        guard reader.atEnd else {
            throw EventLogError.corruptRecord(position: position, detail: "\(value.count - reader.offset) trailing bytes")
        }
        let streamID = StreamID(trusted: stream)
        return RecordedEvent(position: storedPosition, id: id, stream: streamID, streamVersion: version, type: type,
                             schemaVersion: schemaVersion, payload: payload,
                             metadata: EventMetadata(actor: actor, reason: reason, correlationID: correlation, causationID: causation, account: account,
                                                     effectiveAt: effective),
                             recordedAt: recordedAt, hash: Array(value[0..<hashSize]))
    }
}

/// Reads big-endian fields from a stored value, throwing `corruptRecord` when it runs short.
package struct ByteReader {
    let buffer: [UInt8]
    var offset: Int
    let position: UInt64

    var atEnd: Bool { offset == buffer.count }

    package init(bytes: [UInt8], offset: Int = 0, position: UInt64) {
        self.buffer = bytes
        self.offset = offset
        self.position = position
    }

    private mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, buffer.count - offset >= n else {
            throw EventLogError.corruptRecord(position: position, detail: "record ends early at byte \(offset)")
        }
        defer { offset += n }
        return buffer[offset..<offset + n]
    }

    mutating func u8() throws -> UInt8 { try take(1).first! }

    mutating func u32() throws -> UInt32 {
        try take(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func u64() throws -> UInt64 {
        try take(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func uuid() throws -> UUID {
        let b = Array(try take(16))
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    mutating func lengthPrefixed() throws -> [UInt8] {
        Array(try take(Int(try u32())))
    }

    mutating func string() throws -> String {
        let raw = try take(Int(try u32()))
        guard let text = String(validUTF8: raw) else {
            throw EventLogError.corruptRecord(position: position, detail: "text field at byte \(offset - raw.count) is not UTF-8")
        }
        return text
    }
}

extension Array where Element == UInt8 {
    package mutating func appendUUID(_ id: UUID) {
        Swift.withUnsafeBytes(of: id.uuid) { append(contentsOf: $0) }
    }

    package mutating func appendString(_ text: String) {
        appendBigEndian(UInt32(text.utf8.count))
        append(contentsOf: text.utf8)
    }
}
