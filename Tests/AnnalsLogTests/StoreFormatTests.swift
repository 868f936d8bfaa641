import AnnalsCore
import AnnalsLMDBLog
import AnnalsLMDB
import AnnalsTesting
import Crypto
import Foundation
import Testing

@Suite("Store format")
struct StoreFormatTests {
    func digest(_ path: String) throws -> String {
        Array(SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path + "/data.mdb")))).hexString
    }

    @Test("a store of a newer format is refused and left byte-for-byte unchanged")
    func newerFormat() throws {
        let store = try TemporaryStore()
        let log = try store.open()
        try log.append(to: StreamID("article/a"), expected: .noStream, [EventFactory.event(1)])
        let meta = try log.environment.database(LMDBEventLog.DatabaseName.meta)
        try log.environment.write { txn in try txn.put(meta, Array("format".utf8), [0, 0, 0, 3]) }
        store.close()
        let before = try digest(store.path)
        let error = #expect(throws: EventLogError.self) { _ = try LMDBEventLog(path: store.path) }
        #expect(error == .unsupportedFormat(found: 3, supported: 2))
        #expect(error?.description.contains("upgrade annals") == true)
        #expect(try digest(store.path) == before)
    }

    @Test("LMDB data with events but no format key is not taken for an Annals store")
    func foreignStore() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let env = try Environment(path: dir.appending("store"))
        let events = try env.database(LMDBEventLog.DatabaseName.events)
        try env.write { txn in try txn.put(events, [1], [2]) }
        let error = #expect(throws: EventLogError.self) { _ = try LMDBEventLog(environment: env) }
        #expect(error == .notAnAnnalsStore(path: env.path))
        env.close()
    }

    @Test("a creation interrupted before the format key was written completes on the next open")
    func interruptedCreation() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let env = try Environment(path: dir.appending("store"))
        _ = try env.database(LMDBEventLog.DatabaseName.events)
        _ = try env.database(LMDBEventLog.DatabaseName.meta)
        let log = try LMDBEventLog(environment: env)
        try log.append(to: StreamID("article/a"), expected: .noStream, [EventFactory.event(1)])
        #expect(try log.verify().isValid)
        env.close()
    }

    @Test("recorded-at never goes back even when the clock does")
    func clockGoesBack() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let times = Clock(values: [2_000_000, 1_000_000, 3_000_000])
        let log = try LMDBEventLog(path: dir.appending("store"), clock: { times.next() })
        for i in 0..<3 { try log.append(to: StreamID("s"), expected: .any, [EventFactory.event(i)]) }
        let recorded = try log.readLog(from: 1, limit: 10).map(\.recordedAt.microsecondsSinceEpoch)
        #expect(recorded == [2_000_000, 2_000_000, 3_000_000])
        #expect(try log.verify().isValid)
        log.environment.close()
    }
}

/// A clock that returns the given times in turn (then repeats the last).
final class Clock: @unchecked Sendable {
    // Only called from the test's own thread, inside the log's write transaction.
    private var values: [Int64]
    init(values: [Int64]) { self.values = values }
    func next() -> Timestamp {
        Timestamp(microsecondsSinceEpoch: values.count > 1 ? values.removeFirst() : values[0])
    }
}
