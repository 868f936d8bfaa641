import AnnalsCore
public import AnnalsLMDB
import Foundation

/// Work on a whole store that is not a read or an edit: rebuilding and verifying the
/// projections, a hot backup, the map's use. Reached through `ProjectedStore.maintenance`.
public struct StoreMaintenance {
    let store: ProjectedStore
    /// The bytes a rebuild's commit puts before it commits (see `buildShadow`).
    public static let defaultCommitBytes = 4 << 20
    /// The memory a bulk rebuild's collectors may hold before they are written out (see `BulkProjection`).
    public static let defaultCollectedBytes = 16 << 20
    /// What a rebuild did.
    public struct RebuildReport: Sendable {
        public let projections: [ProjectionName]
        public let events: UInt64
        public let seconds: Double
    }

    /// Rebuilds projections from the log into their idle generation, in write transactions of
    /// `chunkSize` events and bounded memory (LMDB keeps a transaction's dirty pages on the heap,
    /// so the chunk size bounds the peak), while the live generation keeps serving reads (and other
    /// processes keep appending). The last transaction applies whatever was appended meanwhile and
    /// switches over. A crash before that leaves the old projections serving; the next rebuild
    /// starts its shadow afresh.
    ///
    /// Only one rebuild or migration fills a store's idle generation at a time: this takes the
    /// store's maintenance lock, waiting for it when `wait` (calling `waiting` once first), else
    /// throwing `ProjectionError.busy`. `progress` gets (events done, log head) after each chunk.
    ///
    /// Projections that can (`BulkProjection`) are built in bulk: what they collect is written in
    /// key order whenever it holds more than `collectedBytes`, and at the end. Commits put about
    /// `commitBytes` each.
    @discardableResult
    public func rebuild(_ requested: Set<ProjectionName>? = nil, chunkSize: Int = 1024, commitBytes: Int = defaultCommitBytes,
                        collectedBytes: Int = defaultCollectedBytes,
                        wait: Bool = true, waiting: (() -> Void)? = nil,
                        progress: ((UInt64, UInt64) -> Void)? = nil) throws -> RebuildReport {
        let lock = try maintenanceLock(wait: wait, waiting: waiting)
        defer { lock.release() }
        let start = Date()
        let targets = requested.map(store.registry.ordered) ?? store.registry.names
        let total = try buildShadow(of: targets, chunkSize: chunkSize, commitBytes: commitBytes, collectedBytes: collectedBytes, progress: progress) { txn, scope, shadow, position in
            // Tables earlier versions kept and this one does not: their space is freed.
            for table in store.catalog.retired { try txn.clear(table) }
            for projection in scope {
                let live = try store.catalog.generation(projection, in: txn)
                let fresh = shadow[projection] ?? 1 - live
                if targets.contains(projection) {
                    try store.catalog.setState(projection, generation: fresh, position: position, in: txn)
                    for table in try store.catalog.tables(of: projection, generation: live) { try txn.clear(table) }
                } else {
                    for table in try store.catalog.tables(of: projection, generation: fresh) { try txn.clear(table) }
                }
            }
        }
        return RebuildReport(projections: targets, events: total, seconds: Date().timeIntervalSince(start))
    }

    /// The store's maintenance lock, or `ProjectionError.busy` naming what to do.
    func maintenanceLock(wait: Bool, waiting: (() -> Void)?) throws -> MaintenanceLock {
        do {
            return try store.environment.maintenanceLock(wait: false)
        } catch let error as StoreAccessError where error.kind == .busy {
            guard wait else {
                throw ProjectionError.busy(detail: "another rebuild or migration is rebuilding this store's projections; "
                                           + "wait for it to finish, then run this again")
            }
            waiting?()
            return try store.environment.maintenanceLock(wait: true)
        }
    }

    /// Fills the shadow generation of `targets` (and of `records`, the state every other projection
    /// reads) from the whole log, then calls `finish` inside the write transaction that applied the
    /// last events, where no writer can interleave. Returns the position reached.
    @discardableResult
    private func buildShadow(of targets: [ProjectionName], chunkSize: Int, commitBytes: Int, collectedBytes: Int, progress: ((UInt64, UInt64) -> Void)?,
                             finish: (WriteTransaction, [ProjectionName], [ProjectionName: Int], UInt64) throws -> Void) throws -> UInt64 {
        let scope = store.registry.ordered(Set(targets).union([.records]))
        let shadow: [ProjectionName: Int] = try store.environment.read { txn in
            Dictionary(uniqueKeysWithValues: try scope.map { ($0, 1 - (try store.catalog.generation($0, in: txn))) })
        }
        var runner = ProjectionRunner(catalog: store.catalog, upcaster: store.upcaster, generations: shadow, checkpointed: false,
                                      creates: .sameEnvironment(store.log))
        for case let projection as any BulkProjection in store.registry.all where shadow[projection.name] != nil {
            runner.collectors[projection.name] = projection.collector()
        }
        try store.environment.write { txn in
            for projection in scope {
                for table in try store.catalog.tables(of: projection, generation: shadow[projection] ?? 1) { try txn.clear(table) }
            }
        }
        // Full chunks are read and prepared on another core while this one writes the previous.
        // Only what the projections in scope derive is prepared: a records-only rebuild folds no words.
        let ahead = ReadAhead(source: store.log, from: 1, until: nil, chunkSize: chunkSize, fullChunksOnly: true, upcaster: store.upcaster,
                              registry: store.registry.limited(to: Set(scope)))
        defer { ahead.stop() }
        var done: UInt64 = 0
        // A crash loses at most the last shadow chunks, which the next rebuild redoes anyway: their
        // commits need not wait for the meta page to reach the disk. The switch-over below does.
        // Chunks share a commit until it has put `commitBytes`: LMDB rewrites every page a commit
        // touches, and the last pages of the indexes are touched by every chunk, so fewer, larger
        // commits write fewer pages. LMDB holds a commit's dirty pages on the heap, so the bound
        // also bounds the memory: at 200,000 events, 4 MiB commits rebuilt in 12 s where one
        // commit per 1,024-event chunk took 16 s, with a peak heap of 87 MiB instead of 66.
        try store.environment.withDeferredMetaSync {
            var more = true
            while more {
                let committed = done
                try store.environment.write { txn in
                    more = false
                    // A map growth runs this closure again from the start: the chunks it had taken
                    // from the read-ahead (`done`, set as each is taken) are read back from the log.
                    try applyLog(after: committed, through: done, runner: runner, chunkSize: chunkSize, in: txn)
                    while let chunk = try ahead.next(), !chunk.stored.isEmpty {
                        done = chunk.lastPosition
                        try runner.apply(prepared: try chunk.prepared(), in: txn)
                        progress?(done, try store.log.head().position)
                        if txn.bytesPut >= commitBytes || runner.collectedBytes >= collectedBytes { more = true; break }
                    }
                }
                // What the collectors hold goes out in commits of its own, in key order.
                if runner.collectedBytes >= collectedBytes || !more { try writeCollected(runner, commitBytes: commitBytes) }
            }
        }
        let reached: UInt64 = try store.environment.write { txn in
            let position = try applyLog(after: done, through: nil, runner: runner, chunkSize: chunkSize, in: txn)
            _ = try runner.writeCollected(in: txn)  // what was appended meanwhile: little
            try finish(txn, scope, shadow, position)
            return position
        }
        progress?(reached, reached)
        return reached
    }

    /// Writes what `runner`'s collectors hold, in commits of about `commitBytes` each.
    private func writeCollected(_ runner: ProjectionRunner, commitBytes: Int) throws {
        var done = false
        while !done {
            done = try store.environment.write { txn in try runner.writeCollected(in: txn, stopAfterBytes: commitBytes) }
            runner.collectorsWritten()
        }
    }

    /// Reads the log after `position` through `end` (nil: its head) inside `txn`, `chunkSize`
    /// events at a time, and applies it with `runner`. Returns the last position applied.
    @discardableResult
    private func applyLog(after position: UInt64, through end: UInt64?, runner: ProjectionRunner, chunkSize: Int,
                          in txn: WriteTransaction) throws -> UInt64 {
        var position = position
        while end.map({ position < $0 }) ?? true {
            let limit = end.map { min(chunkSize, Int($0 - position)) } ?? chunkSize
            let events = try store.log.readLog(from: position + 1, limit: limit, in: txn)
            guard let last = events.last else { break }
            try runner.apply(events, in: txn)
            position = last.position
        }
        return position
    }
}

extension ProjectedStore {
    /// Rebuilds, verification against a fresh build, backups and the map's use.
    public var maintenance: StoreMaintenance { StoreMaintenance(store: self) }
}
