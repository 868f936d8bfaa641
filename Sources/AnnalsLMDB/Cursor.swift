import CLMDB

/// A position in one database, valid only inside the `withCursor` closure that received it.
/// Each move returns the entry it lands on (copied out of the map), or nil past either end.
public final class Cursor {
    let handle: OpaquePointer
    let database: Database
    unowned let transaction: Transaction
    var finished = false

    init(handle: OpaquePointer, database: Database, transaction: Transaction) {
        self.handle = handle
        self.database = database
        self.transaction = transaction
    }

    public func first() throws -> Entry? { try move(MDB_FIRST) }
    public func last() throws -> Entry? { try move(MDB_LAST) }
    public func next() throws -> Entry? { try move(MDB_NEXT) }
    public func previous() throws -> Entry? { try move(MDB_PREV) }

    /// In a `sortedSet` database: the next value of the current key, or nil after its last.
    public func nextValue() throws -> Entry? { try move(MDB_NEXT_DUP) }

    /// In a `sortedSet` database: how many values the current key holds.
    public func valueCount() throws -> Int {
        try transaction.ensureLive()
        var count = 0
        try transaction.call(mdb_cursor_count(handle, &count), "mdb_cursor_count", database)
        return count
    }

    /// In a `sortedSet` database: moves to exactly the pair (`key`, `value`); false when absent.
    public func seek(_ key: [UInt8], value: [UInt8]) throws -> Bool {
        try transaction.ensureLive()
        let rc = key.withUnsafeBytes { keyBytes in
            value.withUnsafeBytes { valueBytes in
                var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                var v = MDB_val(mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                return mdb_cursor_get(handle, &k, &v, MDB_GET_BOTH)
            }
        }
        if rc == MDB_NOTFOUND { return false }
        try transaction.call(rc, "mdb_cursor_get", database)
        return true
    }

    /// Moves to the first key ≥ `key`.
    public func seek(atLeast key: [UInt8]) throws -> Entry? { try move(MDB_SET_RANGE, key: key) }

    /// Moves to exactly `key`.
    public func seek(exactly key: [UInt8]) throws -> Entry? { try move(MDB_SET_KEY, key: key) }

    private func move(_ op: MDB_cursor_op, key: [UInt8]? = nil) throws -> Entry? {
        guard !finished else {
            throw StoreAccessError(.transactionFinished, path: transaction.environment.path, detail: "a cursor was used after its closure returned")
        }
        try transaction.ensureLive()
        var k = MDB_val()
        var v = MDB_val()
        let rc: Int32
        if let key {
            rc = key.withUnsafeBytes { keyBytes in
                k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                let rc = mdb_cursor_get(handle, &k, &v, op)
                // On success LMDB points `k` into the map; on failure it may still hold our buffer.
                if rc != 0 { k = MDB_val() }
                return rc
            }
        } else {
            rc = mdb_cursor_get(handle, &k, &v, op)
        }
        if rc == MDB_NOTFOUND { return nil }
        try transaction.call(rc, "mdb_cursor_get", database)
        return Entry(key: copyBytes(k), value: copyBytes(v))
    }
}
