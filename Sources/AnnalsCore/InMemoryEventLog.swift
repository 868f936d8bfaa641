public import Foundation
import Synchronization

/// An `EventLog` held in memory: for tests, and for development where nothing need survive the
/// process. It keeps every promise of the protocol but durability, and passes the same conformance
/// suite as the LMDB log: the same validation, the same record bytes and so the same hash chain.
///
/// Safe to share between threads: every call runs under one lock, so appenders racing on
/// expected versions are serialised exactly as LMDB's single writer serialises them.
public final class InMemoryEventLog: EventLog, Sendable {
    private struct State {
        var events: [RecordedEvent] = []
        /// Per stream, the positions of its events in version order.
        var streams: [StreamID: [UInt64]] = [:]
        var ids: [UUID: UInt64] = [:]
    }

    private let state = Mutex(State())
    private let clock: @Sendable () -> Timestamp

    /// An empty log. `clock` supplies recorded-at times; they never go backwards along the log.
    public init(clock: @escaping @Sendable () -> Timestamp = Timestamp.now) {
        self.clock = clock
    }

    @discardableResult
    public func append(_ appends: [StreamAppend]) throws -> [RecordedEvent] {
        let prepared = try EventValidation.prepare(appends)
        return try state.withLock { state in
            if let stored = try EventValidation.alreadyStored(prepared, lookup: { id in
                state.ids[id].map { (state.events[Int($0 - 1)], $0) }
            }) {
                return stored
            }
            var versions: [UInt64] = []
            for entry in prepared {
                let actual = UInt64(state.streams[entry.stream]?.count ?? 0)
                try EventValidation.check(entry.expected, actual: actual, stream: entry.stream)
                versions.append(actual)
            }
            let last = state.events.last
            let recordedAt = max(clock(), last?.recordedAt ?? Timestamp(microsecondsSinceEpoch: .min))
            let head = last.map { LogHead(position: $0.position, hash: $0.hash, lastRecordedAt: $0.recordedAt) } ?? .empty
            let recorded = RecordCodec.chain(prepared, startVersions: versions, after: head, recordedAt: recordedAt) { _, _ in }
            for event in recorded {
                state.events.append(event)
                state.streams[event.stream, default: []].append(event.position)
                state.ids[event.id] = event.position
            }
            return recorded
        }
    }

    public func readStream(_ stream: StreamID, from version: UInt64, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        state.withLock { state in
            let positions = state.streams[stream] ?? []
            guard limit > 0, !positions.isEmpty else { return [] }
            switch direction {
            case .forwards:
                let start = Int(min(max(version, 1) - 1, UInt64(positions.count)))
                return positions[start...].prefix(limit).map { state.events[Int($0 - 1)] }
            case .backwards:
                guard version >= 1 else { return [] }
                let end = Int(min(version, UInt64(positions.count)))
                return positions[..<end].reversed().prefix(limit).map { state.events[Int($0 - 1)] }
            }
        }
    }

    public func readLog(from position: UInt64, limit: Int) throws -> [RecordedEvent] {
        state.withLock { state in
            let start = Int(min(max(position, 1) - 1, UInt64(state.events.count)))
            return Array(state.events[start...].prefix(max(limit, 0)))
        }
    }

    public func event(id: UUID) throws -> RecordedEvent? {
        state.withLock { state in state.ids[id].map { state.events[Int($0 - 1)] } }
    }

    public func event(at position: UInt64) throws -> RecordedEvent? {
        state.withLock { state in
            position >= 1 && position <= UInt64(state.events.count) ? state.events[Int(position - 1)] : nil
        }
    }

    public func streamHead(_ stream: StreamID) throws -> StreamHead? {
        state.withLock { state in
            state.streams[stream].flatMap { positions in
                positions.last.map { StreamHead(version: UInt64(positions.count), lastPosition: $0) }
            }
        }
    }

    public func head() throws -> LogHead {
        state.withLock { state in
            state.events.last.map { LogHead(position: $0.position, hash: $0.hash, lastRecordedAt: $0.recordedAt) } ?? .empty
        }
    }

    /// Re-encodes each event's record and recomputes the chain: in memory there are no stored bytes
    /// to hash, so this proves the chain as the record format defines it.
    public func verify() throws -> VerificationReport {
        let events = state.withLock { $0.events }
        var previous = LogHead.empty.hash
        var lastTime: Timestamp?
        for (index, event) in events.enumerated() {
            let position = UInt64(index + 1)
            guard event.position == position else {
                return report(events, checked: position - 1, VerificationProblem(position: position, kind: .positionMismatch,
                                                                                  detail: "holds position \(event.position)"))
            }
            if let lastTime, event.recordedAt < lastTime {
                return report(events, checked: position - 1, VerificationProblem(position: position, kind: .timeWentBackwards,
                                                                                  detail: "\(event.recordedAt) after \(lastTime)"))
            }
            let record = RecordCodec.encode(position: position, streamVersion: event.streamVersion, recordedAt: event.recordedAt,
                                            stream: event.stream, event: ProposedEvent(event))
            let hash = RecordCodec.chainHash(previous: previous, record: record)
            guard hash == event.hash else {
                return report(events, checked: position - 1, VerificationProblem(position: position, kind: .hashMismatch,
                                                                                  detail: "the hash does not chain"))
            }
            previous = hash
            lastTime = event.recordedAt
        }
        return report(events, checked: UInt64(events.count), nil)
    }

    private func report(_ events: [RecordedEvent], checked: UInt64, _ problem: VerificationProblem?) -> VerificationReport {
        let head = events.last.map { LogHead(position: $0.position, hash: $0.hash, lastRecordedAt: $0.recordedAt) } ?? .empty
        return VerificationReport(head: head, eventsChecked: checked, problem: problem)
    }
}

extension ProposedEvent {
    /// The proposal a stored event was appended from.
    public init(_ event: RecordedEvent) {
        self.init(id: event.id, type: event.type, schemaVersion: event.schemaVersion, payload: event.payload, metadata: event.metadata)
    }
}
