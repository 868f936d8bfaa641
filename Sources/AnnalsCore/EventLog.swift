public import Foundation

/// An append-only, hash-chained log of events grouped into streams.
///
/// Every backend (LMDB, PostgreSQL, the in-memory log) promises the same, and proves it by passing
/// the conformance suite in `AnnalsTesting`:
/// - positions are gapless from 1 across the log and versions gapless from 1 within each stream;
/// - an append is atomic across all its streams: one expected-version conflict or invalid event
///   and nothing is written;
/// - re-appending stored event ids with identical content writes nothing and returns the stored
///   events; the same id with other content is `EventLogError.eventIdReused`;
/// - each event's hash is SHA-256 over the previous hash and the event's stored record bytes;
/// - an acknowledged append is durable (synced) before `append` returns.
public protocol EventLog: AnyObject {
    /// Appends the events of every entry in one atomic, durable transaction and returns them as
    /// stored, in log order. A stream may appear at most once per call.
    @discardableResult
    func append(_ appends: [StreamAppend]) throws -> [RecordedEvent]

    /// Up to `limit` events of `stream`, starting at version `from` (inclusive) and going in
    /// `direction`. Backwards from `UInt64.max` reads from the newest event.
    func readStream(_ stream: StreamID, from version: UInt64, direction: ReadDirection, limit: Int) throws -> [RecordedEvent]

    /// Up to `limit` events of the whole log starting at `position` (inclusive), in order.
    /// Each call is one short read; callers page with the last position + 1.
    func readLog(from position: UInt64, limit: Int) throws -> [RecordedEvent]

    /// The event with this id, or nil.
    func event(id: UUID) throws -> RecordedEvent?

    /// The event at this position, or nil.
    func event(at position: UInt64) throws -> RecordedEvent?

    /// The stream's head, or nil when the stream has no events.
    func streamHead(_ stream: StreamID) throws -> StreamHead?

    /// The log's head.
    func head() throws -> LogHead

    /// Recomputes every hash and checks positions, versions and indexes against the events.
    func verify() throws -> VerificationReport
}

extension EventLog {
    /// Visits every event from `position` on, reading `chunkSize` events per read, so memory stays
    /// bounded by one chunk whatever the log's size. Stops early when `body` returns false.
    public func forEachEvent(from position: UInt64 = 1, chunkSize: Int = 1024,
                             _ body: (RecordedEvent) throws -> Bool) throws {
        var next = max(position, 1)
        while true {
            let chunk = try readLog(from: next, limit: chunkSize)
            for event in chunk {
                guard try body(event) else { return }
            }
            guard let last = chunk.last, chunk.count == chunkSize else { return }
            next = last.position + 1
        }
    }

    /// Appends events to one stream.
    @discardableResult
    public func append(to stream: StreamID, expected: ExpectedVersion, _ events: [ProposedEvent]) throws -> [RecordedEvent] {
        try append([StreamAppend(stream: stream, expected: expected, events: events)])
    }

    /// Every event of a stream, oldest first.
    public func readStream(_ stream: StreamID) throws -> [RecordedEvent] {
        try readStream(stream, from: 1, direction: .forwards, limit: Int.max)
    }
}

/// The outcome of `EventLog.verify()`.
public struct VerificationReport: Sendable, Equatable {
    /// The head the walk checked up to.
    public let head: LogHead
    /// How many events were checked.
    public let eventsChecked: UInt64
    /// The first problem found, or nil when the log is sound.
    public let problem: VerificationProblem?

    public init(head: LogHead, eventsChecked: UInt64, problem: VerificationProblem?) {
        self.head = head
        self.eventsChecked = eventsChecked
        self.problem = problem
    }

    public var isValid: Bool { problem == nil }
}

/// The first thing found wrong in the log, at a position.
public struct VerificationProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case missingEvent = "missing event"
        case positionMismatch = "position mismatch"
        case undecodable = "undecodable record"
        case hashMismatch = "hash mismatch"
        case timeWentBackwards = "recorded-at went backwards"
        case streamVersionGap = "stream version gap"
        case streamIndex = "stream index"
        case idIndex = "event-id index"
        case typeIndex = "by-type index"
        case headMismatch = "head mismatch"
        case eventPastHead = "event past the head"
    }

    public let position: UInt64
    public let kind: Kind
    public let detail: String

    public init(position: UInt64, kind: Kind, detail: String) {
        self.position = position
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "position \(position): \(kind.rawValue): \(detail)" }
}
