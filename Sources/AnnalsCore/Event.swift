public import Foundation
import Synchronization

/// Who made an event and why. The time is not here: the store assigns it at commit.
public struct EventMetadata: Hashable, Sendable {
    /// Who did it (a person or a named import job). Required and non-empty.
    public var actor: String
    /// Why, when given.
    public var reason: String?
    /// Groups events of one logical operation (an import run, a CLI command).
    public var correlationID: UUID?
    /// The event that caused this one, when any.
    public var causationID: UUID?
    /// The operating-system account of the process that appended it, recorded beside the declared
    /// `actor` (which anyone can type): nil in events written before it was kept.
    public var account: String?
    /// When the change took effect in the world (a report's date, a revision's time), when the
    /// source says; nil means when it was recorded. Events written before it was kept read as nil.
    public var effectiveAt: Timestamp?

    public init(actor: String, reason: String? = nil, correlationID: UUID? = nil, causationID: UUID? = nil, account: String? = nil,
                effectiveAt: Timestamp? = nil) {
        self.actor = actor
        self.reason = reason
        self.correlationID = correlationID
        self.causationID = causationID
        self.account = account
        self.effectiveAt = effectiveAt
    }
}

/// An event to append: everything but its position, version, time and hash.
public struct ProposedEvent: Hashable, Sendable {
    /// Unique in the log. Re-appending the same id with the same content is a no-op.
    public var id: UUID
    /// The event's type name, such as `ArticleCreated`.
    public var type: String
    /// The version of `type`'s payload schema, from 1.
    public var schemaVersion: UInt32
    /// The payload: UTF-8 JSON.
    public var payload: [UInt8]
    public var metadata: EventMetadata

    public init(id: UUID = .random(), type: String, schemaVersion: UInt32 = 1, payload: [UInt8], metadata: EventMetadata) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.metadata = metadata
    }
}

/// What a stream's version must be for an append to go ahead.
public enum ExpectedVersion: Hashable, Sendable, CustomStringConvertible {
    /// Append whatever the stream's version.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must be at exactly this version (its last event's version).
    case exactly(UInt64)

    public var description: String {
        switch self {
        case .any: return "any version"
        case .noStream: return "no stream"
        case .exactly(let version): return "version \(version)"
        }
    }
}

/// Events for one stream within an append.
public struct StreamAppend: Hashable, Sendable {
    public var stream: StreamID
    public var expected: ExpectedVersion
    public var events: [ProposedEvent]

    public init(stream: StreamID, expected: ExpectedVersion, events: [ProposedEvent]) {
        self.stream = stream
        self.expected = expected
        self.events = events
    }
}

/// An event as stored in the log.
public struct RecordedEvent: Hashable, Sendable {
    /// Position in the whole log: gapless from 1.
    public let position: UInt64
    public let id: UUID
    public let stream: StreamID
    /// Version within the stream: gapless from 1.
    public let streamVersion: UInt64
    public let type: String
    public let schemaVersion: UInt32
    public let payload: [UInt8]
    public let metadata: EventMetadata
    /// When the store committed it (UTC); never decreasing along the log.
    public let recordedAt: Timestamp
    /// SHA-256 over the previous event's hash and this event's stored record bytes.
    public let hash: [UInt8]

    public init(position: UInt64, id: UUID, stream: StreamID, streamVersion: UInt64, type: String,
                schemaVersion: UInt32, payload: [UInt8], metadata: EventMetadata, recordedAt: Timestamp, hash: [UInt8]) {
        self.position = position
        self.id = id
        self.stream = stream
        self.streamVersion = streamVersion
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.metadata = metadata
        self.recordedAt = recordedAt
        self.hash = hash
    }

    /// True when `proposed` carries the same content (all but position, version, time, hash).
    public func hasSameContent(as proposed: ProposedEvent, stream: StreamID) -> Bool {
        id == proposed.id && self.stream == stream && type == proposed.type
            && schemaVersion == proposed.schemaVersion && payload == proposed.payload && metadata == proposed.metadata
    }

    /// The payload as text.
    public var payloadText: String { String(decoding: payload, as: UTF8.self) }

    /// When the change took effect: the time its source gave, else when it was recorded.
    public var effectiveAt: Timestamp { metadata.effectiveAt ?? recordedAt }
}

/// The log's head: its last position (the count, positions being gapless) and the chain's hash.
public struct LogHead: Hashable, Sendable {
    /// The last position, 0 for an empty log.
    public let position: UInt64
    /// The hash of the last event: 32 zero bytes for an empty log.
    public let hash: [UInt8]
    /// The last event's recorded-at, or nil for an empty log.
    public let lastRecordedAt: Timestamp?

    /// The number of events in the log.
    public var count: UInt64 { position }

    public init(position: UInt64, hash: [UInt8], lastRecordedAt: Timestamp?) {
        self.position = position
        self.hash = hash
        self.lastRecordedAt = lastRecordedAt
    }

    public static let empty = LogHead(position: 0, hash: [UInt8](repeating: 0, count: 32), lastRecordedAt: nil)

    /// The hash in lower-case hexadecimal.
    public var hashHex: String { hash.hexString }
}

/// A stream's head: its last version and where that event sits in the log.
public struct StreamHead: Hashable, Sendable {
    public let version: UInt64
    public let lastPosition: UInt64

    public init(version: UInt64, lastPosition: UInt64) {
        self.version = version
        self.lastPosition = lastPosition
    }
}

/// The direction of a stream read.
public enum ReadDirection: Sendable {
    case forwards
    case backwards
}

extension Array where Element == UInt8 {
    /// Lower-case hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension UUID {
    /// A random (version 4) UUID from the system's generator. Foundation's `UUID()` on Linux opens,
    /// reads and closes /dev/urandom for each one: three system calls per event of an import.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        var bytes = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = raw[6] & 0x0F | 0x40  // version 4
            raw[8] = raw[8] & 0x3F | 0x80  // RFC 4122 variant
            return UUID(uuid: raw.load(as: uuid_t.self))
        }
    }
}

extension UUID {
    /// A time-ordered (version 7, RFC 9562) UUID: 48 bits of Unix milliseconds, then a 12-bit
    /// sequence that keeps ids made in the same millisecond by this process increasing, then 62
    /// random bits. Event ids are made this way so that the log's id index, whose keys are the ids'
    /// bytes, grows at its end like the log itself instead of on a random page per append.
    public static func timeOrdered() -> UUID {
        let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        let (millis, sequence) = timeOrderedState.withLock { state -> (UInt64, UInt64) in
            if now > state.millis {
                state = (now, 0)
            } else if state.sequence < 0xFFF {
                state.sequence += 1
            } else {
                state = (state.millis + 1, 0)  // 4,096 ids in one millisecond: borrow the next one
            }
            return (state.millis, state.sequence)
        }
        var generator = SystemRandomNumberGenerator()
        let high = millis << 16 | 0x7000 | sequence
        let low = (generator.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        var bytes = (high.bigEndian, low.bigEndian)
        return withUnsafeBytes(of: &bytes) { UUID(uuid: $0.load(as: uuid_t.self)) }
    }
}

/// The last (millisecond, sequence) `UUID.timeOrdered()` used in this process.
private let timeOrderedState = Mutex<(millis: UInt64, sequence: UInt64)>((0, 0))
