import AnnalsCore
import AnnalsPostgres
import AnnalsProjections
import AnnalsRecords
import Foundation

/// How a follower's store edits: every append goes to the shared log, and returns once this
/// follower has applied it, so the editor (and a client of `annals serve`) reads its own writes.
/// Current states come from the follower's projections, brought up to the shared head before the
/// first edit reads one; a state that is stale by then makes the append conflict, never overwrite.
///
/// When the shared log cannot be reached, an append is retried unchanged (same event ids, so a
/// commit whose answer was lost is returned as stored, never doubled) for `patience`, then refused
/// with what happened.
final class SharedLogWriter: EventLog, RecordStateSource {
    let follower: SharedLogReplica
    let patience: Duration
    private var synced = false

    init(follower: SharedLogReplica, patience: Duration) {
        self.follower = follower
        self.patience = patience
    }

    private var store: ProjectedStore { follower.store }

    func currentState(of id: RecordID) throws -> RecordState? {
        if !synced {
            try retrying("read the shared log's head") { _ = try follower.catchUp() }
            synced = true
        }
        return try RecordsReader(store).currentState(of: id)
    }

    @discardableResult
    func append(_ appends: [StreamAppend]) throws -> [RecordedEvent] {
        let events: [RecordedEvent]
        do {
            events = try retrying("append to the shared log") { try follower.source.append(appends) }
        } catch let conflict as EventLogError {
            // A conflict from a shared log that lost events this follower applied can never be
            // retried away: say so (checkHistory names what is missing) instead of "reload and retry".
            if case .wrongExpectedVersion = conflict { try retrying("read the shared log") { try follower.checkHistory() } }
            throw conflict
        }
        guard let last = events.map(\.position).max() else { return events }
        do {
            try retrying("apply the edit here") { _ = try follower.catchUp(until: last) }
        } catch {
            throw ApplicationError("the edit is in the shared log (position \(last)) but this follower could not apply it yet: \(Remedy.problem(of: error))",
                                   kind: .unavailable, remedy: .followerCatchesUp(store: store.path))
        }
        return events
    }

    /// Runs `body` under the writer's retry (see `SharedLogRetry`).
    func retrying<T>(_ what: String, _ body: () throws -> T) throws -> T {
        try SharedLogRetry(address: follower.address, patience: patience).run(what, body)
    }

    // Reads are the follower's own copy.
    func readStream(_ stream: StreamID, from version: UInt64, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        try store.events.readStream(stream, from: version, direction: direction, limit: limit)
    }
    func readLog(from position: UInt64, limit: Int) throws -> [RecordedEvent] { try store.events.readLog(from: position, limit: limit) }
    func event(id: UUID) throws -> RecordedEvent? { try store.events.event(id: id) }
    func event(at position: UInt64) throws -> RecordedEvent? { try store.events.event(at: position) }
    func streamHead(_ stream: StreamID) throws -> StreamHead? { try store.events.streamHead(stream) }
    func head() throws -> LogHead { try store.events.head() }
    func verify() throws -> VerificationReport { try store.events.verify() }
}
