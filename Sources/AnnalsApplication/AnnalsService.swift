public import AnnalsCore
import AnnalsProjections
public import AnnalsRecords
import AnnalsPostgres
import Foundation

/// An open Annals store and the use cases over it: what the command line and the HTTP server
/// call, and the only way they reach the store. It owns opening and closing the store and the migration gate (a store of an older
/// format, or with stale projections, is refused with the command that fixes it); the layers below
/// it own the log and the projections, the layers above only parse requests and render results.
public final class AnnalsService {
    /// The store with its projections, read through each projection's reader. Internal: every
    /// front goes through the use cases.
    let store: ProjectedStore
    /// The editor: edits are checked against the records projection's current states.
    let editor: RecordEditor
    /// Where edits go: the store itself, or, on a follower's store, the shared log it follows.
    let writer: any EventLog
    /// On a follower's store opened for writing: what keeps it up with the shared log.
    let follower: SharedLogReplica?
    /// How long a write to the shared log is retried while it cannot be reached.
    let sharedLogPatience: Duration

    /// How long an edit on a follower's store waits for an unreachable shared log before it fails.
    public static let defaultSharedLogPatience = Duration.seconds(15)

    /// True for a follower's store opened for writing: its edits go to the shared log.
    public var isFollower: Bool { follower != nil }

    /// Wraps a store this layer opened itself. A follower's store opened for writing sends its
    /// edits to the shared log (connecting only when the first edit is made), retrying for
    /// `sharedLogPatience` while the shared log cannot be reached.
    init(opened store: ProjectedStore, sharedLogPatience: Duration = AnnalsService.defaultSharedLogPatience) throws {
        self.store = store
        self.sharedLogPatience = sharedLogPatience
        if !store.environment.options.readOnly, let address = try store.replica.source() {
            let follower = SharedLogReplica(store: store, source: try SharedLog.connect(address), address: address)
            let shared = SharedLogWriter(follower: follower, patience: sharedLogPatience)
            self.follower = follower
            writer = shared
            editor = RecordEditor(log: shared, states: shared)
        } else {
            follower = nil
            writer = store.events
            editor = RecordEditor(log: store.events, states: RecordsReader(store))
        }
    }

    /// Runs `body`, whose appends go through `writer`, as one unit: one LMDB transaction on a
    /// store of its own; on a follower, each append is its own transaction of the shared log.
    func asOneWrite<R>(_ body: () throws -> R) throws -> R {
        follower == nil ? try store.atomically(body) : try body()
    }

    /// Opens the store at `path`; a missing store is an error and nothing is created. With
    /// `readOnly` nothing in the store is written (it may be a read-only copy) and every edit fails.
    /// On a follower's store, an edit waits up to `sharedLogPatience` for an unreachable shared log
    /// before it fails (nothing written).
    public static func open(at path: String, readOnly: Bool = false, clock: @escaping @Sendable () -> Timestamp = Timestamp.now,
                            sharedLogPatience: Duration = AnnalsService.defaultSharedLogPatience) throws -> AnnalsService {
        try AnnalsService(opened: try ProjectedStore(path: path, create: false, readOnly: readOnly, clock: clock), sharedLogPatience: sharedLogPatience)
    }

    /// Creates an empty store at `path` (a new or empty directory) and opens it.
    public static func create(at path: String) throws -> AnnalsService {
        if storeExists(at: path) { throw ApplicationError("\(path) already holds a store; use it, or give another --store") }
        let existed = FileManager.default.fileExists(atPath: path)
        do {
            return try AnnalsService(opened: try ProjectedStore(path: path, create: true))
        } catch {
            // Leave nothing half-made: a folder this call created goes, files it created go.
            StoreDirectory.removeCreated(at: path, directoryExisted: existed)
            throw error
        }
    }

    /// Whether `path` holds a store (its data file).
    public static func storeExists(at path: String) -> Bool {
        StoreDirectory.exists(at: path)
    }

    /// The store directory's canonical path.
    public var path: String { store.path }

    /// True when this read-only open reads without LMDB's reader table (the lock file is missing,
    /// or not writable: another user's store, read-only media): a writer starting meanwhile could
    /// disturb a long read.
    public var readsWithoutLock: Bool { store.environment.openedWithoutLock }

    /// Closes the store (and the connection to the shared log); any later use throws. Closing
    /// twice is harmless.
    public func close() {
        (follower?.source as? PostgresEventLog)?.close()
        store.close()
    }
}
