public import AnnalsCore
import AnnalsLMDB

extension LMDBEventLog {
    /// Store format 1 → 2: builds the `log/by-type` index from the log and writes format 2, in one
    /// write transaction (all or nothing: a crash leaves format 1, and running it again starts the
    /// index afresh). Runs only on a log opened with `openingOlderFormat`.
    public func upgradeToFormat2(recording migrationID: String) throws {
        guard format == 1 else { return }
        let index = try environment.database(DatabaseName.byType)
        try environment.write { txn in
            try txn.clear(index)
            var next: UInt64 = 1
            while true {
                let chunk = try readLog(from: next, limit: 4096, in: txn)
                for event in chunk { try txn.put(index, Self.typeKey(event.type, event.position), []) }
                guard let last = chunk.last else { break }
                next = last.position + 1
            }
            var version = [UInt8]()
            version.appendBigEndian(UInt32(2))
            try txn.put(meta, Self.formatKey, version)
            try txn.put(meta, Array("migrations/\(migrationID)".utf8), Array(Timestamp.now().description.utf8))
        }
        byType = index
        format = 2
    }

    /// The store-format migrations recorded as applied in this store (id → when).
    public func appliedMigrations() throws -> [String: String] {
        try environment.read { txn in
            var applied: [String: String] = [:]
            let prefix = Array("migrations/".utf8)
            try txn.scan(meta, from: prefix, to: Array("migrations0".utf8)) { entry in
                applied[String(decoding: entry.key.dropFirst(prefix.count), as: UTF8.self)] = String(decoding: entry.value, as: UTF8.self)
                return true
            }
            return applied
        }
    }

    /// Records a store-format migration as applied (for a store created at the newest format).
    public func recordMigration(_ migrationID: String) throws {
        try environment.write { txn in
            let key = Array("migrations/\(migrationID)".utf8)
            if try txn.get(meta, key) == nil { try txn.put(meta, key, Array(Timestamp.now().description.utf8)) }
        }
    }
}
