import AnnalsCore
import AnnalsLMDB
import Foundation

extension StoreMaintenance {
    /// Builds every projection afresh from the log and compares it byte for byte with the live one;
    /// returns the projections whose live data differs (empty when all agree).
    ///
    /// Writes nothing to the store: the fresh build goes to a scratch environment in a temporary
    /// directory (unsynced, removed afterwards), following this store's log up to the position the
    /// live projections reflect, so it works on a read-only copy and on a nearly full disk, and
    /// needs no lock (a rebuild switching generations meanwhile is seen as one snapshot or the other).
    public func verifyProjections(chunkSize: Int = 1024, scratchDirectory: String? = nil) throws -> [ProjectionName] {
        let scratchPath = PathText.join(scratchDirectory ?? NSTemporaryDirectory(), "annals-verify-\(UUID.random().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: scratchPath) }
        var options = EnvironmentOptions()
        options.unsafeNoSync = true  // thrown away after the comparison
        let scratch = try Environment(path: scratchPath, options: options)
        defer { scratch.close() }
        let fresh = try ProjectionCatchUp(source: store.log, environment: scratch, upcaster: store.upcaster, registry: store.registry)
        // Writers may move the live projections on while the fresh ones are built: follow until
        // both reflect the same position, then compare within one snapshot of each.
        while true {
            let target = try store.environment.read { txn in try ProjectionRunner.livePosition(store.catalog, in: txn) }
            try fresh.catchUp(until: target, batchSize: chunkSize)
            let differing: [ProjectionName]? = try store.environment.read { liveTxn in
                guard try ProjectionRunner.livePosition(store.catalog, in: liveTxn) == target else { return nil }
                return try scratch.read { freshTxn in
                    try store.registry.names.filter { projection in
                        let liveTables = try store.catalog.tables(of: projection, generation: store.catalog.generation(projection, in: liveTxn))
                        let freshTables = try fresh.catalog.tables(of: projection, generation: fresh.catalog.generation(projection, in: freshTxn))
                        return try zip(liveTables, freshTables).contains { try !Self.sameContents($0, in: liveTxn, $1, in: freshTxn) }
                    }
                }
            }
            if let differing { return differing }
        }
    }

    private static func sameContents(_ a: Database, in aTxn: Transaction, _ b: Database, in bTxn: Transaction) throws -> Bool {
        try bTxn.withCursor(b) { other in
            var next = try other.first()
            var same = true
            try aTxn.scan(a) { entry in
                guard entry == next else { same = false; return false }
                next = try other.next()
                return true
            }
            return same && next == nil
        }
    }
}
