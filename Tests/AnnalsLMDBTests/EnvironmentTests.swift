import AnnalsLMDB
import AnnalsTesting
import Foundation
import Testing

@Suite("LMDB wrapper")
struct EnvironmentTests {
    func withEnvironment(_ options: EnvironmentOptions = EnvironmentOptions(), _ body: (Environment, TemporaryDirectory) throws -> Void) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let env = try Environment(path: dir.appending("store"), options: options)
        defer { env.close() }
        try body(env, dir)
    }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("put, get, delete and count inside transactions")
    func basicOperations() throws {
        try withEnvironment { env, _ in
            let db = try env.database("things")
            try env.write { txn in
                try txn.put(db, bytes("b"), bytes("2"))
                try txn.put(db, bytes("a"), bytes("1"))
            }
            #expect(try env.read { try $0.get(db, bytes("a")) } == bytes("1"))
            #expect(try env.read { try $0.get(db, bytes("zz")) } == nil)
            #expect(try env.read { try $0.count(db) } == 2)
            #expect(try env.write { try $0.delete(db, bytes("a")) } == true)
            #expect(try env.write { try $0.delete(db, bytes("a")) } == false)
            #expect(try env.read { try $0.count(db) } == 1)
        }
    }

    @Test("a sorted-set database keeps each key's values sorted and distinct, and removes one pair at a time")
    func sortedSets() throws {
        try withEnvironment { env, _ in
            let sets = try env.database("sets", layout: [.sortedSet, .fixedSizeValues])
            let number = { (n: UInt64) in withUnsafeBytes(of: n.bigEndian) { Array($0) } }
            try env.write { txn in
                for n: UInt64 in [300, 5, 70_000, 5] { try txn.put(sets, bytes("word"), number(n)) }
                try txn.put(sets, bytes("other"), number(9))
            }
            try env.read { txn throws in
                #expect(try txn.values(sets, bytes("word")) == [number(5), number(300), number(70_000)])
                #expect(try txn.valueCount(sets, bytes("word")) == 3)
                #expect(try txn.valueCount(sets, bytes("missing")) == 0)
                #expect(try txn.values(sets, bytes("missing")).isEmpty)
                #expect(try txn.contains(sets, bytes("word"), value: number(300)))
                #expect(try !txn.contains(sets, bytes("word"), value: number(9)))
                #expect(try txn.count(sets) == 4)
            }
            #expect(try env.write { try $0.delete(sets, bytes("word"), value: number(300)) } == true)
            #expect(try env.write { try $0.delete(sets, bytes("word"), value: number(300)) } == false)
            #expect(try env.read { try $0.values(sets, bytes("word")) } == [number(5), number(70_000)])
        }
    }

    @Test("a database opened with another layout than it was created with is refused")
    func layoutIsFixed() throws {
        let directory = try TemporaryDirectory(prefix: "layout")
        defer { directory.remove() }
        let first = try Environment(path: directory.appending("store"))
        _ = try first.database("plain")
        first.close()
        let second = try Environment(path: directory.appending("store"))
        defer { second.close() }
        #expect { try second.database("plain", layout: [.sortedSet]) } throws: { ($0 as? LMDBError)?.code == .incompatible }
    }

    @Test("scans respect bounds in both directions")
    func scans() throws {
        try withEnvironment { env, _ in
            let db = try env.database("keys")
            try env.write { txn in
                for key in ["a", "b", "c", "d", "e"] { try txn.put(db, bytes(key), bytes(key.uppercased())) }
            }
            func keys(from: String?, to: String?, reverse: Bool) throws -> String {
                var out = ""
                try env.read { txn in
                    try txn.scan(db, from: from.map(bytes), to: to.map(bytes), reverse: reverse) { entry in
                        out += String(decoding: entry.key, as: UTF8.self)
                        return true
                    }
                }
                return out
            }
            #expect(try keys(from: nil, to: nil, reverse: false) == "abcde")
            #expect(try keys(from: "b", to: "d", reverse: false) == "bc")
            #expect(try keys(from: "bb", to: nil, reverse: false) == "cde")
            #expect(try keys(from: nil, to: nil, reverse: true) == "edcba")
            #expect(try keys(from: "b", to: "d", reverse: true) == "cb")
            #expect(try keys(from: nil, to: "zz", reverse: true) == "edcba")
            #expect(try keys(from: "x", to: nil, reverse: false) == "")
        }
    }

    @Test("a throwing closure aborts the whole transaction")
    func throwAborts() throws {
        struct Oops: Error {}
        try withEnvironment { env, _ in
            let db = try env.database("things")
            #expect(throws: Oops.self) {
                try env.write { txn in
                    try txn.put(db, bytes("k"), bytes("v"))
                    throw Oops()
                }
            }
            #expect(try env.read { try $0.get(db, bytes("k")) } == nil)
        }
    }

    @Test("a failed call caught inside the closure still aborts, never commits")
    func caughtFailureAborts() throws {
        try withEnvironment { env, _ in
            let db = try env.database("log")
            try env.write { try $0.put(db, [0, 9], bytes("nine")) }
            let error = #expect(throws: LMDBError.self) {
                try env.write { txn in
                    try txn.put(db, [0, 10], bytes("ten"))
                    // Out of order for MDB_APPEND: LMDB refuses it; the closure swallows the error.
                    try? txn.put(db, [0, 1], bytes("one"), options: .append)
                }
            }
            #expect(error?.code == .keyExists)
            #expect(error?.function == "mdb_put")
            #expect(try env.read { try $0.get(db, [0, 10]) } == nil)
        }
    }

    @Test("a tiny map grows transparently and keeps every value")
    func mapGrowth() throws {
        var options = EnvironmentOptions()
        options.initialMapSize = 64 * 1024
        try withEnvironment(options) { env, _ in
            let db = try env.database("big")
            let value = [UInt8](repeating: 7, count: 2000)
            for batch in 0..<10 {
                try env.write { txn in
                    for i in 0..<300 { try txn.put(db, bytes(String(format: "%08d", batch * 300 + i)), value) }
                }
            }
            #expect(try env.usage().mapSize > 64 * 1024)
            #expect(try env.read { try $0.count(db) } == 3000)
            #expect(try env.read { try $0.get(db, bytes("00002999")) } == value)
        }
    }

    @Test("a savepoint that throws undoes only its own writes; one that returns joins the commit; reads inside see both")
    func savepoints() throws {
        try withEnvironment { env, _ in
            let db = try env.database("things")
            struct Refused: Error {}
            try env.write { txn in
                try txn.put(db, bytes("a"), bytes("1"))
                #expect(throws: Refused.self) {
                    try env.savepoint { inner in
                        try inner.put(db, bytes("b"), bytes("2"))
                        try inner.put(db, bytes("a"), bytes("changed"))
                        #expect(try env.read { try $0.get(db, bytes("b")) } == bytes("2"))
                        throw Refused()
                    }
                }
                // A failed LMDB call inside a savepoint fails it alone.
                #expect(throws: LMDBError.self) {
                    try env.savepoint { inner in try inner.put(db, bytes("a"), bytes("again"), options: .noOverwrite) }
                }
                let seen = try env.savepoint { inner in
                    try inner.put(db, bytes("c"), bytes("3"))
                    return try env.read { try $0.get(db, bytes("a")) }
                }
                #expect(seen == bytes("1"))
                #expect(try env.read { try $0.get(db, bytes("b")) } == nil)
                #expect(try env.read { try $0.get(db, bytes("c")) } == bytes("3"))
            }
            #expect(try env.read { txn in try [bytes("a"), bytes("b"), bytes("c")].map { try txn.get(db, $0) } } == [bytes("1"), nil, bytes("3")])
            #expect(throws: StoreAccessError.self) { try env.savepoint { _ in } }
        }
    }

    @Test("a savepoint that fills the map grows it and runs the whole write again, keeping every value")
    func savepointGrowsMap() throws {
        var options = EnvironmentOptions()
        options.initialMapSize = 64 * 1024
        try withEnvironment(options) { env, _ in
            let db = try env.database("big")
            let value = [UInt8](repeating: 7, count: 2000)
            var runs = 0
            try env.write { txn in
                runs += 1
                try txn.put(db, bytes("first"), value)
                for part in 0..<10 {
                    try env.savepoint { inner in
                        for i in 0..<100 { try inner.put(db, bytes(String(format: "%02d-%04d", part, i)), value) }
                    }
                }
            }
            #expect(runs > 1)
            #expect(try env.read { try $0.count(db) } == 1_001)
        }
    }

    @Test("past the maximum map size a write fails clearly and writes nothing")
    func mapLimit() throws {
        var options = EnvironmentOptions()
        options.initialMapSize = 256 * 1024
        options.maxMapSize = 1024 * 1024
        try withEnvironment(options) { env, _ in
            let db = try env.database("big")
            let error = #expect(throws: StoreAccessError.self) {
                try env.write { txn in
                    for i in 0..<2000 { try txn.put(db, bytes(String(i)), [UInt8](repeating: 1, count: 2000)) }
                }
            }
            #expect(error?.kind == .mapLimitReached)
            #expect(error?.description.contains("maximum map size") == true)
            #expect(try env.read { try $0.count(db) } == 0)
        }
    }

    @Test("one store is open at most once per process")
    func singleOpenPerProcess() throws {
        try withEnvironment { env, dir in
            let error = #expect(throws: StoreAccessError.self) { _ = try Environment(path: dir.appending("store")) }
            #expect(error?.kind == .alreadyOpenInProcess)
            env.close()
            let again = try Environment(path: dir.appending("store"))
            again.close()
        }
    }

    @Test("missing and read-only stores are refused; a write inside a write joins it")
    func refusals() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var noCreate = EnvironmentOptions()
        noCreate.createIfMissing = false
        let missing = #expect(throws: StoreAccessError.self) { _ = try Environment(path: dir.appending("absent"), options: noCreate) }
        #expect(missing?.kind == .missing)
        #expect(!FileManager.default.fileExists(atPath: dir.appending("absent")))

        let env = try Environment(path: dir.appending("store"))
        let db = try env.database("d")
        // A write inside a write joins it: one commit, and reads inside see what it wrote.
        try env.write { outer in
            try outer.put(db, [1], [1])
            try env.write { inner in try inner.put(db, [2], [2]) }
            #expect(try env.read { try $0.get(db, [2]) } == [2])
        }
        #expect(try env.read { try $0.get(db, [1]) } == [1] && env.read { try $0.get(db, [2]) } == [2])
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try env.write { outer in
                try outer.put(db, [3], [3])
                try env.write { inner in try inner.put(db, [4], [4]) }
                throw Refused()
            }
        }
        #expect(try env.read { try $0.get(db, [3]) } == nil && env.read { try $0.get(db, [4]) } == nil)
        env.close()

        var readOnly = EnvironmentOptions()
        readOnly.readOnly = true
        let ro = try Environment(path: dir.appending("store"), options: readOnly)
        defer { ro.close() }
        let denied = #expect(throws: StoreAccessError.self) { try ro.write { txn in try txn.put(db, [1], [1]) } }
        #expect(denied?.kind == .readOnly)
    }

    @Test("a transaction used after its closure throws")
    func escapedTransaction() throws {
        try withEnvironment { env, _ in
            let db = try env.database("d")
            var escaped: Transaction?
            try env.read { escaped = $0 }
            let error = #expect(throws: StoreAccessError.self) { _ = try escaped?.get(db, [1]) }
            #expect(error?.kind == .transactionFinished)
        }
    }

    @Test("data and lock files are created with mode 0600")
    func fileModes() throws {
        try withEnvironment { env, dir in
            for file in ["data.mdb", "lock.mdb"] {
                let attributes = try FileManager.default.attributesOfItem(atPath: dir.appending("store/\(file)"))
                #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(file)")
            }
            _ = env
        }
    }

    @Test("a hot copy holds the same data")
    func copy() throws {
        try withEnvironment { env, dir in
            let db = try env.database("d")
            try env.write { txn in for i in 0..<100 { try txn.put(db, bytes(String(i)), bytes("v\(i)")) } }
            try FileManager.default.createDirectory(atPath: dir.appending("copy"), withIntermediateDirectories: false)
            try env.copy(to: dir.appending("copy"))
            let copy = try Environment(path: dir.appending("copy"))
            defer { copy.close() }
            let copied = try copy.database("d", create: false)
            #expect(try copy.read { try $0.count(copied) } == 100)
            #expect(try copy.read { try $0.get(copied, bytes("42")) } == bytes("v42"))
        }
    }
}
