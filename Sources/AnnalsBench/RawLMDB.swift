import CLMDB
import Foundation

/// The physical floor: the same C library driven directly, writing what an event store must
/// (the log by big-endian position with MDB_APPEND, plus a stream index) with the same value
/// sizes and batch sizes as Annals.
struct RawLMDBBaseline {
    let path: String

    /// Appends `count` values of `valueSize` bytes, `batch` per synced commit. Returns seconds.
    func append(count: Int, valueSize: Int, batch: Int) throws -> Double {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var env: OpaquePointer?
        try ok(mdb_env_create(&env))
        defer { mdb_env_close(env) }
        try ok(mdb_env_set_maxdbs(env, 4))
        try ok(mdb_env_set_mapsize(env, 8 << 30))
        try ok(mdb_env_open(env, path, UInt32(MDB_NOTLS), 0o600))
        var log = MDB_dbi(0), index = MDB_dbi(0)
        var txn: OpaquePointer?
        try ok(mdb_txn_begin(env, nil, 0, &txn))
        try ok(mdb_dbi_open(txn, "log", UInt32(MDB_CREATE), &log))
        try ok(mdb_dbi_open(txn, "streams", UInt32(MDB_CREATE), &index))
        try ok(mdb_txn_commit(txn))
        var value = [UInt8](repeating: 0x61, count: valueSize)
        let start = Date()
        var position: UInt64 = 0
        while position < UInt64(count) {
            try ok(mdb_txn_begin(env, nil, 0, &txn))
            for _ in 0..<min(batch, count - Int(position)) {
                position += 1
                var key = position.bigEndian
                value[0] = UInt8(truncatingIfNeeded: position)
                var streamKey = Array("article/raw-\(position % 20_000)".utf8) + [0]
                withUnsafeBytes(of: (position / 20_000 + 1).bigEndian) { streamKey.append(contentsOf: $0) }
                try withUnsafeMutableBytes(of: &key) { keyBytes in
                    try value.withUnsafeMutableBytes { valueBytes in
                        var k = MDB_val(mv_size: 8, mv_data: keyBytes.baseAddress)
                        var v = MDB_val(mv_size: valueSize, mv_data: valueBytes.baseAddress)
                        try ok(mdb_put(txn, log, &k, &v, UInt32(MDB_APPEND)))
                        try streamKey.withUnsafeMutableBytes { streamBytes in
                            var sk = MDB_val(mv_size: streamBytes.count, mv_data: streamBytes.baseAddress)
                            var sv = MDB_val(mv_size: 8, mv_data: keyBytes.baseAddress)
                            try ok(mdb_put(txn, index, &sk, &sv, 0))
                        }
                    }
                }
            }
            try ok(mdb_txn_commit(txn))
        }
        return Date().timeIntervalSince(start)
    }

    /// Walks the log with one cursor, touching every value. Returns seconds and the count.
    /// `database` names the log's database (`log` here, `log/events` in an Annals store).
    func scan(database: String = "log") throws -> (Double, Int) {
        var env: OpaquePointer?
        try ok(mdb_env_create(&env))
        defer { mdb_env_close(env) }
        try ok(mdb_env_set_maxdbs(env, 64))
        try ok(mdb_env_open(env, path, UInt32(MDB_NOTLS | MDB_RDONLY), 0o600))
        var txn: OpaquePointer?
        var log = MDB_dbi(0)
        let start = Date()
        try ok(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn))
        defer { mdb_txn_abort(txn) }
        try ok(mdb_dbi_open(txn, database, 0, &log))
        var cursor: OpaquePointer?
        try ok(mdb_cursor_open(txn, log, &cursor))
        defer { mdb_cursor_close(cursor) }
        var k = MDB_val(), v = MDB_val()
        var count = 0, checksum = 0
        var rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST)
        while rc == 0 {
            count += 1
            checksum &+= Int(v.mv_data.load(fromByteOffset: 0, as: UInt8.self))
            rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)
        }
        guard rc == MDB_NOTFOUND else { throw BenchError("mdb_cursor_get: \(rc)") }
        _ = checksum
        return (Date().timeIntervalSince(start), count)
    }
}

/// Throws LMDB's message for a non-zero return code.
func ok(_ rc: Int32) throws {
    if rc != 0 { throw BenchError(String(cString: mdb_strerror(rc))) }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
