public import AnnalsCore
import AnnalsLMDB

/// A follower's copy of the shared log: where it comes from, where it came from, and how events
/// read from it are stored and applied. Reached through `ProjectedStore.replica`.
public struct ReplicaLog {
    let store: ProjectedStore

    /// The address of the shared log this store follows, or nil for a store with a log of its own.
    public func source() throws -> String? { try store.log.replicaSource() }

    /// The switches of this follower to another shared log (`annals follow --switch-source`), oldest first.
    public func switches() throws -> [SourceSwitch] { try store.log.sourceSwitches() }

    /// Stores `events` (read from the shared log: consecutive, in log order, as stored) in this
    /// replica's log and applies them to every projection, in one LMDB transaction with the
    /// projections' checkpoint: a crash leaves either all of them or none, and an event is applied
    /// exactly once. Events the replica already holds are skipped once their hash is shown to be
    /// the one it holds; a first new event that does not follow the replica's head is left for the
    /// next read (another process applied past it meanwhile). Returns the replica's head position.
    @discardableResult
    public func replicate(_ events: [RecordedEvent]) throws -> UInt64 {
        try replicate(ReadChunk(stored: events, upcaster: store.upcaster, registry: store.catalog.registry))
    }

    /// `replicate(_:)` of a chunk read (and prepared) ahead.
    func replicate(_ chunk: ReadChunk) throws -> UInt64 {
        let events = chunk.stored
        return try store.environment.write { txn in
            guard let source = try store.log.replicaSource(in: txn) else {
                throw EventLogError.invalidInput(field: "store", value: store.path, fix: "it is not a follower's store; follow the shared log into a new directory")
            }
            let head = try store.log.readHead(in: txn)
            let held = events.prefix { $0.position <= head.position }
            if let last = held.last, let ours = try store.log.event(at: last.position, in: txn), ours.hash != last.hash {
                throw ProjectionError.replicaDiverged(source: source, detail: "its event at position \(last.position) differs from the one this follower applied")
            }
            let fresh = Array(events.dropFirst(held.count))
            guard let first = fresh.first, first.position == head.position + 1 else { return head.position }
            guard first.hash == RecordCodec.rehash(first, after: head.hash) else {
                throw ProjectionError.replicaDiverged(source: source, detail: "its event at position \(first.position) does not chain to this follower's head \(head.hashHex.prefix(16))…")
            }
            try store.log.restore(fresh, in: txn)
            try ProjectionRunner.live(store.catalog, upcaster: store.upcaster, creates: .sameEnvironment(store.log), in: txn)
                .apply(prepared: Array(try chunk.prepared().dropFirst(held.count)), in: txn)
            return fresh.last?.position ?? head.position
        }
    }
}

extension ProjectedStore {
    /// This store's copy of a shared log (a follower's store).
    public var replica: ReplicaLog { ReplicaLog(store: self) }
}

/// Keeps a follower's store (a local LMDB store: a replica of the shared log plus its
/// projections) up with the shared log, which may live in PostgreSQL or anywhere an `EventLog`
/// can be read.
///
/// It reads the shared log from the replica's head on, in batches, and commits each batch to the
/// replica's log and projections together (`ProjectedStore.replicate`): a follower killed at any
/// moment resumes from its last commit with no gap and no event applied twice. Several processes
/// may follow into the same store at once; each batch is applied once, by whichever commits first.
public final class SharedLogReplica {
    public let store: ProjectedStore
    public let source: any EventLog
    public let address: String

    /// Follows `source` (known to people as `address`) into `store`, a follower's store (see
    /// `adopt` for making one). Nothing is read or written yet.
    public init(store: ProjectedStore, source: any EventLog, address: String) {
        self.store = store
        self.source = source
        self.address = address
    }

    /// Makes `store` this shared log's follower: an empty store becomes one; a store already
    /// following it continues once its history is found in the shared log; a store with a log of
    /// its own is refused and left untouched.
    ///
    /// A store that follows another log (`sameLog` says whether a recorded address names this
    /// one: the same database reached with other settings) is refused unless `switching`: then
    /// every event it holds is re-hashed from the new log's rows against its own chain, and the
    /// switch is recorded in the store (`sourceSwitches`).
    public func adopt(switching: Bool = false, sameLog: (String) -> Bool = { _ in false }) throws {
        let (current, head) = try store.environment.read { txn in (try store.log.replicaSource(in: txn), try store.log.readHead(in: txn)) }
        if current == nil && head.position > 0 {
            throw EventLogError.invalidInput(field: "store", value: store.path,
                                             fix: "it holds a log of its own (\(head.position) events); follow into a new directory, or move its log into the shared log first")
        }
        guard let current, current != address else {
            try checkHistory()
            if current == nil { try store.environment.write { txn in try store.log.setReplicaSource(address, in: txn) } }
            return
        }
        if sameLog(current) {
            try checkHistory()
        } else {
            guard switching else { throw ProjectionError.replicaSourceChanged(recorded: current, given: address) }
            if let problem = try verifyHistory() {
                throw ProjectionError.replicaDiverged(source: address, detail: "\(problem)")
            }
        }
        try store.environment.write { txn in
            try store.log.setReplicaSource(address, in: txn)
            if !sameLog(current) {
                try store.log.recordSourceSwitch(SourceSwitch(from: current, to: address, at: Timestamp.now(), position: head.position), in: txn)
            }
        }
    }

    /// Re-hashes every event the shared log holds up to this replica's head from its stored
    /// fields (payload and metadata included) and checks each against the replica's own chain:
    /// a row changed in the shared log, even with its old hash left in place, is found, naming
    /// its position. Nil when the shared log holds exactly this history. Reads only.
    public func verifyHistory(batchSize: Int = 1000) throws -> VerificationProblem? {
        let head = try store.log.head().position
        var previous = LogHead.empty.hash, next: UInt64 = 1
        while next <= head {
            let limit = min(batchSize, Int(clamping: head - next + 1))
            let shared = try source.readLog(from: next, limit: limit)
            let local = try store.log.readLog(from: next, limit: limit)
            for (offset, ours) in local.enumerated() {
                guard offset < shared.count, shared[offset].position == ours.position else {
                    return VerificationProblem(position: ours.position, kind: .missingEvent,
                                               detail: "the shared log \(address) holds no event at position \(ours.position), which this follower applied")
                }
                guard RecordCodec.rehash(shared[offset], after: previous) == ours.hash else {
                    return VerificationProblem(position: ours.position, kind: .hashMismatch,
                                               detail: "the shared log \(address) holds another event at position \(ours.position) than this follower applied (its stored fields do not hash to this follower's chain)")
                }
                previous = ours.hash
            }
            guard let last = local.last else { break }
            next = last.position + 1
        }
        return nil
    }

    /// Checks that the shared log holds, at the replica's head position, the event the replica
    /// holds there (same hash): the history was not rewritten or cut short since it was copied.
    public func checkHistory() throws {
        let local = try store.log.head()
        guard local.position > 0 else { return }
        let shared = try source.event(at: local.position)
        guard let shared else {
            throw ProjectionError.replicaDiverged(source: address, detail: "it ends before position \(local.position), which this follower applied")
        }
        guard shared.hash == local.hash else {
            throw ProjectionError.replicaDiverged(source: address, detail: "its event at position \(local.position) differs from the one this follower applied")
        }
    }

    /// The replica's head position: every event up to it is applied to every projection.
    public func position() throws -> UInt64 { try store.log.head().position }

    /// Applies what the shared log holds past the replica's head, `batchSize` events a
    /// transaction, up to `until` (default: the shared head when the call starts). Returns the
    /// position reached. `progress` gets (position reached, target) after each batch.
    @discardableResult
    public func catchUp(until: UInt64? = nil, batchSize: Int = 1000, progress: (UInt64, UInt64) -> Void = { _, _ in }) throws -> UInt64 {
        let target = try until ?? source.head().position
        let consumer = LogConsumer(source: source, upcaster: store.upcaster, registry: store.catalog.registry, chunkSize: batchSize)
        let done = try consumer.run(after: try position(), through: target, progress: progress) { chunk in try store.replica.replicate(chunk) }
        guard done >= target else {
            throw ProjectionError.replicaDiverged(source: address, detail: "it says its head is at \(target) but holds no event at \(done + 1)")
        }
        return done
    }

    /// How many events the shared log holds past the replica's head.
    public func lag() throws -> UInt64 {
        let shared = try source.head().position, local = try position()
        return shared > local ? shared - local : 0
    }
}
