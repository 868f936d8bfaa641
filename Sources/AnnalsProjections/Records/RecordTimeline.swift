public import AnnalsCore
public import AnnalsRecords

/// A record as the store knew it at an earlier moment, or as it stood at a time in its own
/// timeline: its stream replayed (cost proportional to that stream, not to the log).
public struct RecordTimeline {
    let store: ProjectedStore

    public init(_ store: ProjectedStore) { self.store = store }

    /// The record as the store knew it at log position `position`: its own stream replayed up to
    /// there (cost proportional to that stream, not to the log). Nil when it did not exist yet.
    public func record(_ id: RecordID, asOf position: UInt64) throws -> RecordState? {
        try replay(id) { $0.position <= position }
    }

    /// The record as the store knew it at `time`.
    public func record(_ id: RecordID, asOf time: Timestamp) throws -> RecordState? {
        try replay(id) { $0.recordedAt <= time }
    }

    /// The record as it stood at `time` in its own timeline (each edit at its effective time), as
    /// the store knew it at log position `position` (default: now). Edits apply in effective-time
    /// order, ties in log order, so a late, back-dated correction changes the answers for times
    /// after its effective time, and nothing known only later changes an answer `asOf` an earlier
    /// position. Nothing takes effect before the record's create: an edit dated earlier counts
    /// from then. Nil when the record did not exist yet at `time`, or was not known at `position`.
    public func record(_ id: RecordID, effective time: Timestamp, asOf position: UInt64 = .max) throws -> RecordState? {
        try Self.state(of: store.events.readStream(id.streamID), effective: time, asOf: position)
    }

    /// A stream's events folded in effective-time order (ties in log order) up to `time`, leaving
    /// out events after log position `position`; edits dated before the create count from it.
    static func state(of stream: [RecordedEvent], effective time: Timestamp, asOf position: UInt64) throws -> RecordState? {
        let known = stream.filter { $0.position <= position }
        guard let created = known.first, created.effectiveAt <= time else { return nil }
        let start = created.effectiveAt
        let ordered = known.map { (effective: max($0.effectiveAt, start), event: $0) }
            .sorted { ($0.effective, $0.event.position) < ($1.effective, $1.event.position) }
        var state: RecordState?
        for (effective, event) in ordered where effective <= time { state = try RecordState.apply(event, to: state) }
        return state
    }

    /// The record's stream folded up to the first event `known` rejects (both axes only grow
    /// along a stream, so the events it accepts are a prefix).
    private func replay(_ id: RecordID, while known: (RecordedEvent) -> Bool) throws -> RecordState? {
        var state: RecordState?
        for event in try store.events.readStream(id.streamID) {
            guard known(event) else { break }
            state = try RecordState.apply(event, to: state)
        }
        return state
    }
}

extension ProjectedStore {
    /// The last log position recorded at or before `time` (0 when none): recorded-at never
    /// decreases along the log, so this is a binary search over positions.
    public func position(at time: Timestamp) throws -> UInt64 {
        try environment.read { txn in
            var low: UInt64 = 0, high = try log.readHead(in: txn).position
            while low < high {
                let middle = low + (high - low + 1) / 2
                guard let event = try log.event(at: middle, in: txn) else { break }
                if event.recordedAt <= time { low = middle } else { high = middle - 1 }
            }
            return low
        }
    }
}
