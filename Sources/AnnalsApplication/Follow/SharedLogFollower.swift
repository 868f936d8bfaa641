import AnnalsCore
import AnnalsPostgres
import AnnalsProjections
import Foundation

/// `annals follow`: a store kept up with the shared log, its projections local.
public final class SharedLogFollower {
    /// What happened, for the caller to report.
    public enum Event: Sendable {
        /// A batch was applied: the follower's head, and the shared head it is heading for.
        case applied(position: UInt64, target: UInt64)
        /// The follower holds every event the shared log held when it last looked (reported by
        /// `run` when first caught up and after each outage).
        case caughtUp(position: UInt64)
        /// The shared log cannot be reached; the follower keeps trying.
        case unavailable(String)
    }

    let follower: SharedLogReplica
    private let store: ProjectedStore
    private let log: PostgresEventLog

    private init(follower: SharedLogReplica, store: ProjectedStore, log: PostgresEventLog) {
        self.follower = follower
        self.store = store
        self.log = log
    }

    /// Opens (creating it when missing) the store at `path` as the follower of the shared log at
    /// `address`, after checking the shared log's schema and that it holds the history the store
    /// already copied. A store with a log of its own is refused; nothing is created on failure.
    /// A store that follows another database is refused unless `switching`, which first checks
    /// that `address` holds its whole history (every event re-hashed) and records the switch.
    public static func start(from address: String, store path: String, switching: Bool = false) throws -> SharedLogFollower {
        let log = try SharedLog.opened(address)
        let existed = AnnalsService.storeExists(at: path)
        let directoryExisted = FileManager.default.fileExists(atPath: path)
        let store: ProjectedStore
        do { store = try ProjectedStore(path: path, create: true) } catch {
            log.close()
            throw error
        }
        let follower = SharedLogReplica(store: store, source: log, address: log.target.description)
        do {
            try follower.adopt(switching: switching) { SharedLog.sameDatabase($0, log.target.description) }
        } catch {
            store.close()
            log.close()
            if !existed { StoreDirectory.removeCreated(at: path, directoryExisted: directoryExisted) }
            throw error
        }
        return SharedLogFollower(follower: follower, store: store, log: log)
    }

    /// The shared log's address, without secrets.
    public var address: String { follower.address }

    /// The position this store has applied up to.
    public func position() throws -> UInt64 { try follower.position() }

    /// Applies what the shared log holds now, in batches; returns the position reached.
    public func catchUp(_ report: (Event) -> Void = { _ in }) throws -> UInt64 {
        let done = try follower.catchUp { position, target in report(.applied(position: position, target: target)) }
        report(.caughtUp(position: done))
        return done
    }

    /// Follows until `stop` returns true: applies new events as they commit, looking again after
    /// `pacing.idle` when there are none. While the shared log cannot be reached it reports that
    /// once and keeps trying, every `pacing.retry`; anything else (a damaged replica, a rewritten
    /// shared history) ends it with the error.
    /// It runs on the caller's thread, which it blocks (calls to the shared log block).
    public func run(pacing: LogPacing, stop: () -> Bool, _ report: (Event) -> Void) throws {
        var unavailable = false
        var reported: UInt64?
        try pacing.runBlocking(stop: stop) {
            let before = try follower.position()
            let done = try follower.catchUp { position, target in report(.applied(position: position, target: target)) }
            // Said once caught up at the start and again after an outage, not after every batch.
            if unavailable || reported == nil { report(.caughtUp(position: done)) }
            unavailable = false
            reported = done
            return done == before
        } failed: { error in
            guard let error = error as? PostgresLogError, error.isUnavailable else { throw error }
            if !unavailable { report(.unavailable(error.description)) }
            unavailable = true
        }
    }

    /// Closes the store and the connection.
    public func close() {
        store.close()
        log.close()
    }
}
