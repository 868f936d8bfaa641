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
    let follower: LogFollower
    let patience: Duration
    private var synced = false

    init(follower: LogFollower, patience: Duration = .seconds(15)) {
        self.follower = follower
        self.patience = patience
    }

    private var store: ProjectedStore { follower.store }

    func currentState(of id: RecordID) throws -> RecordState? {
        if !synced {
            try retrying("read the shared log's head") { _ = try follower.catchUp() }
            synced = true
        }
        return try store.currentState(of: id)
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
            throw ApplicationError("the edit is in the shared log (position \(last)) but this follower could not apply it yet: \(error); "
                                   + "annals follow --store \(store.path) applies it once the shared log answers", kind: .unavailable)
        }
        return events
    }

    /// Runs `body`, again while the shared log is unavailable, for up to `patience` after the
    /// first failure. The window starts when a call fails, not when it starts: a call that hung
    /// until its own timeout (longer than `patience`) is still retried, so a short outage never
    /// fails an edit.
    func retrying<T>(_ what: String, _ body: () throws -> T) throws -> T {
        var deadline: ContinuousClock.Instant?
        var pause = 0.1
        while true {
            do {
                return try body()
            } catch let error as PostgresLogError where error.isUnavailable {
                let now = ContinuousClock.now
                if deadline == nil { deadline = now + patience }
                guard let deadline, now < deadline else {
                    throw ApplicationError("could not \(what) at \(follower.address) for \(patience.components.seconds) s: \(error); "
                                           + "nothing was changed unless the shared log shows it: check with annals history, then run the command again",
                                           kind: .unavailable)
                }
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 1)
            } catch let error as PostgresLogError {
                throw ApplicationError("the shared log at \(follower.address) failed: \(error)")
            }
        }
    }

    // Reads are the follower's own copy.
    func readStream(_ stream: StreamID, from version: UInt64, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        try store.readStream(stream, from: version, direction: direction, limit: limit)
    }
    func readLog(from position: UInt64, limit: Int) throws -> [RecordedEvent] { try store.readLog(from: position, limit: limit) }
    func event(id: UUID) throws -> RecordedEvent? { try store.event(id: id) }
    func event(at position: UInt64) throws -> RecordedEvent? { try store.event(at: position) }
    func streamHead(_ stream: StreamID) throws -> StreamHead? { try store.streamHead(stream) }
    func head() throws -> LogHead { try store.head() }
    func verify() throws -> VerificationReport { try store.verify() }
}
