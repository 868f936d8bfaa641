import CLMDB
import Foundation

/// What a synced commit costs as it changes more B-trees: the model behind the single-edit figure.
/// An Annals correction changes entries in eleven trees (the log's events, streams, ids, by-type and
/// head; the projections' checkpoints, record state, search blocks, aggregate history and totals,
/// and audit), where the raw baseline changes two. Each commit here changes one small entry at a random key in
/// each of `trees` trees, already filled so they are as deep as a store's, either as separate
/// databases or as one database with the tree's number as a key prefix (the layout "fewer
/// databases per commit" would give).
struct TreesPerCommit {
    /// A scratch directory of the probe's own, created and removed by each run: the caller gives
    /// a path that does not exist (`annals-bench --trees` refuses one that does).
    let path: String
    /// Entries each tree holds before the commits are timed.
    var entriesPerTree = 20_000
    var maxTrees = 12

    /// Synced commits per second for `trees` trees, separate or shared.
    func commitsPerSecond(trees: Int, shared: Bool, commits: Int) throws -> Double {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var env: OpaquePointer?
        try ok(mdb_env_create(&env))
        defer { mdb_env_close(env) }
        try ok(mdb_env_set_maxdbs(env, UInt32(maxTrees + 1)))
        try ok(mdb_env_set_mapsize(env, 4 << 30))
        try ok(mdb_env_open(env, path, UInt32(MDB_NOTLS), 0o600))
        var txn: OpaquePointer?
        // A transaction a failed put leaves open is aborted before the environment closes.
        defer { if txn != nil { mdb_txn_abort(txn) } }
        // A commit frees its transaction whether or not it succeeds.
        func commit() throws {
            let rc = mdb_txn_commit(txn)
            txn = nil
            try ok(rc)
        }
        var databases: [MDB_dbi] = []
        try ok(mdb_txn_begin(env, nil, 0, &txn))
        for tree in 0..<(shared ? 1 : trees) {
            var dbi = MDB_dbi(0)
            try ok(mdb_dbi_open(txn, "tree-\(tree)", UInt32(MDB_CREATE), &dbi))
            databases.append(dbi)
        }
        var value = [UInt8](repeating: 0x61, count: 100)
        // Keys are spread over each tree's range, as record ids and words are.
        func put(_ tree: Int, _ number: UInt64, valueSize: Int) throws {
            var key = [UInt8]()
            if shared { key.append(UInt8(tree)) }
            withUnsafeBytes(of: (number &* 0x9E37_79B9_7F4A_7C15).bigEndian) { key.append(contentsOf: $0) }
            try key.withUnsafeMutableBytes { keyBytes in
                try value.withUnsafeMutableBytes { valueBytes in
                    var k = MDB_val(mv_size: keyBytes.count, mv_data: keyBytes.baseAddress)
                    var v = MDB_val(mv_size: valueSize, mv_data: valueBytes.baseAddress)
                    try ok(mdb_put(txn, databases[shared ? 0 : tree], &k, &v, 0))
                }
            }
        }
        for tree in 0..<trees {
            for entry in 0..<entriesPerTree { try put(tree, UInt64(entry), valueSize: 100) }
        }
        try commit()
        let start = Date()
        for round in 0..<commits {
            try ok(mdb_txn_begin(env, nil, 0, &txn))
            for tree in 0..<trees { try put(tree, UInt64(entriesPerTree + round * maxTrees + tree), valueSize: 40) }
            try commit()
        }
        return Double(commits) / Date().timeIntervalSince(start)
    }
}
