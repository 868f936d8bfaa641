import CLMDB
import Foundation

/// What each LMDB database of a store occupies, pages of DUPSORT sub-databases included (the page
/// counts of `mdb_stat` leave those out): the store is copied compacted, then its databases are
/// emptied one at a time, each followed by another compacted copy. What a copy shrank by is what
/// the emptied database held; the remainder is LMDB's own (meta pages, the main database).
struct TableSizes {
    /// The data file's size as it stands.
    let fileBytes: Int
    /// The size of a compacted copy (`mdb_copy -c`).
    let compactedBytes: Int
    /// Each named database's bytes in the compacted copy, largest first.
    let tables: [(name: String, bytes: Int)]

    init(store path: String, scratch: String) throws {
        fileBytes = Self.size(of: path)
        let work = scratch + "/sizes-work", copy = scratch + "/sizes-copy"
        for directory in [work, copy] {
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        defer { [work, copy].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        try Self.compactCopy(from: path, to: work)
        compactedBytes = Self.size(of: work)

        var env: OpaquePointer?
        try ok(mdb_env_create(&env))
        defer { mdb_env_close(env) }
        try ok(mdb_env_set_maxdbs(env, 256))
        try ok(mdb_env_set_mapsize(env, max(1 << 30, compactedBytes * 2)))
        try ok(mdb_env_open(env, work, UInt32(MDB_NOTLS | MDB_NOSYNC), 0o600))
        var previous = compactedBytes
        var tables: [(String, Int)] = []
        for name in try Self.databaseNames(env) {
            var txn: OpaquePointer?, dbi = MDB_dbi(0)
            try ok(mdb_txn_begin(env, nil, 0, &txn))
            try ok(mdb_dbi_open(txn, name, 0, &dbi))
            try ok(mdb_drop(txn, dbi, 0))
            try ok(mdb_txn_commit(txn))
            try? FileManager.default.removeItem(atPath: copy + "/data.mdb")
            try ok(mdb_env_copy2(env, copy, UInt32(MDB_CP_COMPACT)))
            let now = Self.size(of: copy)
            tables.append((name, previous - now))
            previous = now
        }
        self.tables = tables.sorted { $0.1 > $1.1 }
    }

    private static func databaseNames(_ env: OpaquePointer?) throws -> [String] {
        var txn: OpaquePointer?, main = MDB_dbi(0), cursor: OpaquePointer?
        try ok(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn))
        defer { mdb_txn_abort(txn) }
        try ok(mdb_dbi_open(txn, nil, 0, &main))
        try ok(mdb_cursor_open(txn, main, &cursor))
        defer { mdb_cursor_close(cursor) }
        var key = MDB_val(), value = MDB_val(), names: [String] = []
        var rc = mdb_cursor_get(cursor, &key, &value, MDB_FIRST)
        while rc == 0 {
            names.append(String(decoding: UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size), as: UTF8.self))
            rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)
        }
        return names
    }

    private static func compactCopy(from path: String, to directory: String) throws {
        var env: OpaquePointer?
        try ok(mdb_env_create(&env))
        defer { mdb_env_close(env) }
        try ok(mdb_env_set_maxdbs(env, 256))
        try ok(mdb_env_open(env, path, UInt32(MDB_NOTLS | MDB_RDONLY), 0o600))
        try ok(mdb_env_copy2(env, directory, UInt32(MDB_CP_COMPACT)))
    }

    static func size(of directory: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: directory + "/data.mdb")[.size]) as? NSNumber)?.intValue ?? 0
    }
}
