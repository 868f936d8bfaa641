import CLMDB

/// A read view of the environment, valid only inside the closure that received it.
///
/// Every value is copied out before it is returned. Using a transaction after its closure
/// returned throws `StoreAccessError.Kind.transactionFinished`.
public class Transaction {
    let handle: OpaquePointer
    unowned let environment: Environment
    private(set) var finished = false
    /// The first LMDB call that failed inside this transaction (`MDB_NOTFOUND` aside).
    /// A write transaction with a failure is aborted, never committed.
    private(set) var firstFailure: LMDBError?

    init(handle: OpaquePointer, environment: Environment) {
        self.handle = handle
        self.environment = environment
    }

    func finish() { finished = true }

    /// Marks this transaction failed by a failure inside one nested in it (a savepoint), so that
    /// it is aborted, never committed, and a full map grows and re-runs the outer write.
    func adoptFailure(_ error: LMDBError) {
        if firstFailure == nil { firstFailure = error }
    }

    func ensureLive() throws {
        if finished {
            throw StoreAccessError(.transactionFinished, path: environment.path, detail: "a transaction was used after its closure returned")
        }
    }

    /// Records and throws a failure; `MDB_NOTFOUND` is not a failure and is handled by callers.
    func call(_ rc: Int32, _ function: StaticString, _ database: Database? = nil) throws {
        guard rc != 0 else { return }
        let error = LMDBError(code: .init(rawValue: rc), function: "\(function)",
                              detail: database.map { "database '\($0.name)'" } ?? "")
        if firstFailure == nil { firstFailure = error }
        throw error
    }

    /// The value stored under `key`, or nil when the key is absent.
    public func get(_ database: Database, _ key: [UInt8]) throws -> [UInt8]? {
        try ensureLive()
        return try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            var v = MDB_val()
            let rc = mdb_get(handle, database.handle, &k, &v)
            if rc == MDB_NOTFOUND { return nil }
            try call(rc, "mdb_get", database)
            return copyBytes(v)
        }
    }

    /// The values of `key` in a `sortedSet` database, in order (empty when the key is absent).
    public func values(_ database: Database, _ key: [UInt8]) throws -> [[UInt8]] {
        try withCursor(database) { cursor in
            guard let first = try cursor.seek(exactly: key) else { return [] }
            var values = [first.value]
            while let next = try cursor.nextValue() { values.append(next.value) }
            return values
        }
    }

    /// How many values `key` holds in a `sortedSet` database (0 when the key is absent), without
    /// reading them.
    public func valueCount(_ database: Database, _ key: [UInt8]) throws -> Int {
        try withCursor(database) { cursor in try cursor.seek(exactly: key) == nil ? 0 : cursor.valueCount() }
    }

    /// True when `key` holds `value` in a `sortedSet` database.
    public func contains(_ database: Database, _ key: [UInt8], value: [UInt8]) throws -> Bool {
        try withCursor(database) { cursor in try cursor.seek(key, value: value) }
    }

    /// The number of entries in `database`.
    public func count(_ database: Database) throws -> Int {
        try ensureLive()
        var st = MDB_stat()
        try call(mdb_stat(handle, database.handle, &st), "mdb_stat", database)
        return Int(st.ms_entries)
    }

    /// Runs `body` with a cursor over `database`, closed when `body` returns.
    public func withCursor<R>(_ database: Database, _ body: (Cursor) throws -> R) throws -> R {
        try ensureLive()
        var cursor: OpaquePointer?
        try call(mdb_cursor_open(handle, database.handle, &cursor), "mdb_cursor_open", database)
        guard let cursor else { throw LMDBError(code: .invalid, function: "mdb_cursor_open") }
        let wrapper = Cursor(handle: cursor, database: database, transaction: self)
        defer {
            wrapper.finished = true
            mdb_cursor_close(cursor)
        }
        return try body(wrapper)
    }

    /// Visits entries in key order starting at the first key ≥ `start` (or the first key), stopping
    /// before `end` (exclusive, when given) or when `body` returns false.
    /// With `reverse`, visits downwards from the last key < `end` (or the last key) to `start` inclusive.
    public func scan(_ database: Database, from start: [UInt8]? = nil, to end: [UInt8]? = nil,
                     reverse: Bool = false, _ body: (Entry) throws -> Bool) throws {
        try withCursor(database) { cursor in
            if !reverse {
                var entry = try start.map { try cursor.seek(atLeast: $0) } ?? cursor.first()
                while let current = entry {
                    if let end, !keyPrecedes(current.key, end) { return }
                    guard try body(current) else { return }
                    entry = try cursor.next()
                }
            } else {
                var entry: Entry?
                if let end, try cursor.seek(atLeast: end) != nil {
                    entry = try cursor.previous()
                } else {
                    entry = try cursor.last()
                }
                while let current = entry {
                    if let start, keyPrecedes(current.key, start) { return }
                    guard try body(current) else { return }
                    entry = try cursor.previous()
                }
            }
        }
    }
}

/// The write transaction, valid only inside the closure of `Environment.write`.
public final class WriteTransaction: Transaction {
    /// The bytes of keys and values put so far: what a failed commit needed at least.
    public internal(set) var bytesPut = 0

    /// Stores `value` under `key`.
    public func put(_ database: Database, _ key: [UInt8], _ value: [UInt8], options: PutOptions = []) throws {
        try ensureLive()
        bytesPut += key.count + value.count
        try key.withUnsafeBytes { keyBytes in
            try value.withUnsafeBytes { valueBytes in
                var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                var v = MDB_val(mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                try call(mdb_put(handle, database.handle, &k, &v, options.rawValue), "mdb_put", database)
            }
        }
    }

    /// Removes `key`; returns false when it was absent.
    @discardableResult
    public func delete(_ database: Database, _ key: [UInt8]) throws -> Bool {
        try ensureLive()
        return try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            let rc = mdb_del(handle, database.handle, &k, nil)
            if rc == MDB_NOTFOUND { return false }
            try call(rc, "mdb_del", database)
            return true
        }
    }

    /// Adds values to `key`'s set in a `sortedSet` + `fixedSizeValues` database in one call
    /// (`MDB_MULTIPLE`): `values` holds them end to end, `valueSize` bytes each, none already in
    /// the set.
    public func putValues(_ database: Database, _ key: [UInt8], _ values: [UInt8], valueSize: Int) throws {
        guard valueSize > 0, values.count % valueSize == 0 else {
            throw LMDBError(code: .badValueSize, function: "mdb_cursor_put", detail: "\(values.count) bytes are not whole values of \(valueSize)")
        }
        guard !values.isEmpty else { return }
        try withCursor(database) { cursor in
            try key.withUnsafeBytes { keyBytes in
                try values.withUnsafeBytes { valueBytes in
                    var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                    var items = [MDB_val(mv_size: valueSize, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress)),
                                 MDB_val(mv_size: values.count / valueSize, mv_data: nil)]
                    try call(mdb_cursor_put(cursor.handle, &k, &items, UInt32(MDB_MULTIPLE)), "mdb_cursor_put", database)
                }
            }
        }
    }

    /// Removes one value of `key` from a `sortedSet` database; returns false when that pair was absent.
    @discardableResult
    public func delete(_ database: Database, _ key: [UInt8], value: [UInt8]) throws -> Bool {
        try ensureLive()
        return try key.withUnsafeBytes { keyBytes in
            try value.withUnsafeBytes { valueBytes in
                var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                var v = MDB_val(mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                let rc = mdb_del(handle, database.handle, &k, &v)
                if rc == MDB_NOTFOUND { return false }
                try call(rc, "mdb_del", database)
                return true
            }
        }
    }

    /// Removes every entry of `database`, keeping the database itself.
    public func clear(_ database: Database) throws {
        try ensureLive()
        try call(mdb_drop(handle, database.handle, 0), "mdb_drop", database)
    }
}

@inline(__always)
func copyBytes(_ value: MDB_val) -> [UInt8] {
    guard value.mv_size > 0, let data = value.mv_data else { return [] }
    return Array(UnsafeRawBufferPointer(start: data, count: value.mv_size))
}
