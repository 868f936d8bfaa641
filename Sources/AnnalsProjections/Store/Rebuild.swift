import AnnalsCore
import AnnalsLMDB
import Foundation

extension ProjectedStore {
    /// What a rebuild did.
    public struct RebuildReport: Sendable {
        public let projections: [ProjectionName]
        public let events: UInt64
        public let seconds: Double
    }

    /// Rebuilds projections from the log into their shadow generation, in batched write
    /// transactions of `chunkSize` events and bounded memory (LMDB keeps a transaction's dirty pages
    /// on the heap, so the chunk size bounds the peak), while the live generation keeps
    /// serving reads (and other processes keep appending). The last transaction applies whatever
    /// was appended meanwhile and switches over. A crash before that leaves the old projections
    /// serving; the next rebuild starts its shadow afresh.
    ///
    /// `progress` gets (events done, log head) after each chunk.
    @discardableResult
    public func rebuild(_ requested: Set<ProjectionName> = Set(ProjectionName.allCases), chunkSize: Int = 1024,
                        progress: ((UInt64, UInt64) -> Void)? = nil) throws -> RebuildReport {
        let start = Date()
        let targets = requested.sorted()
        let total = try buildShadow(of: targets, chunkSize: chunkSize, progress: progress) { txn, scope, shadow, position in
            // Tables earlier versions kept and this one does not: their space is freed.
            for table in catalog.retired { try txn.clear(table) }
            for projection in scope {
                let live = try catalog.generation(projection, in: txn)
                let fresh = shadow[projection] ?? 1 - live
                if targets.contains(projection) {
                    try catalog.setState(projection, generation: fresh, position: position, in: txn)
                    for table in catalog.tables(of: projection, generation: live) { try txn.clear(table) }
                } else {
                    for table in catalog.tables(of: projection, generation: fresh) { try txn.clear(table) }
                }
            }
        }
        return RebuildReport(projections: targets, events: total, seconds: Date().timeIntervalSince(start))
    }

    /// Builds every projection afresh from the log beside the live ones and compares them byte for
    /// byte, without switching; returns the projections whose live data differs (empty when all
    /// agree). The shadow is discarded.
    public func verifyProjections(chunkSize: Int = 1024) throws -> [ProjectionName] {
        var differing: [ProjectionName] = []
        try buildShadow(of: ProjectionName.allCases, chunkSize: chunkSize, progress: nil) { txn, scope, shadow, _ in
            for projection in scope {
                let live = try catalog.generation(projection, in: txn)
                let fresh = shadow[projection] ?? 1 - live
                for (a, b) in zip(catalog.tables(of: projection, generation: live), catalog.tables(of: projection, generation: fresh))
                    where try !sameContents(a, b, in: txn) {
                    differing.append(projection)
                    break
                }
                for table in catalog.tables(of: projection, generation: fresh) { try txn.clear(table) }
            }
        }
        return differing
    }

    /// Fills the shadow generation of `targets` (and of `records`, the state every other projection
    /// reads) from the whole log, then calls `finish` inside the write transaction that applied the
    /// last events, where no writer can interleave. Returns the position reached.
    @discardableResult
    private func buildShadow(of targets: [ProjectionName], chunkSize: Int, progress: ((UInt64, UInt64) -> Void)?,
                             finish: (WriteTransaction, [ProjectionName], [ProjectionName: Int], UInt64) throws -> Void) throws -> UInt64 {
        let scope = Set(targets).union([.records]).sorted()
        let shadow: [ProjectionName: Int] = try environment.read { txn in
            Dictionary(uniqueKeysWithValues: try scope.map { ($0, 1 - (try catalog.generation($0, in: txn))) })
        }
        let writer = ProjectionWriter(catalog: catalog, upcaster: upcaster, generations: shadow)
        try environment.write { txn in
            for projection in scope {
                for table in catalog.tables(of: projection, generation: shadow[projection] ?? 1) { try txn.clear(table) }
            }
        }
        var done: UInt64 = 0
        while true {
            let events = try log.readLog(from: done + 1, limit: chunkSize)
            guard let last = events.last, events.count == chunkSize else { break }
            try environment.write { txn in try writer.apply(events, in: txn) }
            done = last.position
            progress?(done, try log.head().position)
        }
        let reached: UInt64 = try environment.write { txn in
            var position = done
            while true {
                let events = try log.readLog(from: position + 1, limit: chunkSize, in: txn)
                guard let last = events.last else { break }
                try writer.apply(events, in: txn)
                position = last.position
            }
            try finish(txn, scope, shadow, position)
            return position
        }
        progress?(reached, reached)
        return reached
    }

    private func sameContents(_ a: Database, _ b: Database, in txn: Transaction) throws -> Bool {
        try txn.withCursor(b) { other in
            var next = try other.first()
            var same = true
            try txn.scan(a) { entry in
                guard entry == next else { same = false; return false }
                next = try other.next()
                return true
            }
            return same && next == nil
        }
    }
}
