import AnnalsCore
import AnnalsProjections
import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

/// One test body, every `EventLog` Annals has: the LMDB log, the in-memory log, and the store
/// with its projections (whose appends also run every inline projection).
@Suite("EventLog conformance on every log", .onOwnThreads)
struct ConformanceTests {
    static let backends = ["lmdb", "memory", "projected store"]

    @Test("conformance", arguments: backends, EventLogConformance.names)
    func conformance(_ backend: String, _ name: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let restored = directory.appending("restored")
        switch backend {
        case "lmdb":
            let store = try TemporaryStore()
            let log = try store.open()
            try EventLogConformance.run(name, on: log)
            try Self.exportRestores(log, into: restored)
        case "memory":
            let log = InMemoryEventLog()
            try EventLogConformance.run(name, on: log)
            try Self.exportRestores(log, into: restored)
        default:
            let store = try ProjectedStore(path: directory.appending("store"), create: true)
            defer { store.close() }
            try EventLogConformance.run(name, on: store.events)
            try Self.exportRestores(store.events, into: restored)
        }
    }

    /// Checks that what a check left in `log` goes through `annals export`'s lines and back: its
    /// first events (all of them, in every check but the long iteration), each written as an
    /// export line, parsed and restored into a new store, give the same events, head and hashes.
    static func exportRestores(_ log: any EventLog, into path: String, upTo limit: Int = 2_000) throws {
        let events = try log.readLog(from: 1, limit: limit)
        let lines = try events.map { try $0.exportLine() }
        let store = try StoreDirectory.restoreLog(into: path) { sink in
            for line in lines { try sink(try RecordedEvent(exportLine: line)) }
        }
        defer { store.close() }
        #expect(try store.events.readLog(from: 1, limit: limit + 1) == events)
        #expect(try store.events.head().position == events.last?.position ?? 0)
        #expect(try store.events.head().hash == events.last?.hash ?? LogHead.empty.hash)
        #expect(try store.events.verify().isValid)
    }

    @Test("threads racing on expected versions against the in-memory log: each version is won once")
    func threadedRace() async throws {
        let log = InMemoryEventLog()
        let stream = try StreamID("event/contended")
        let perWriter = 200
        let wins = try await withThrowingTaskGroup(of: (won: Int, lost: Int).self) { group in
            for writer in 0..<4 {
                group.addTask {
                    var won = 0, lost = 0
                    while won < perWriter {
                        let version = try log.streamHead(stream)?.version ?? 0
                        do {
                            try log.append(to: stream, expected: version == 0 ? .noStream : .exactly(version),
                                           [EventFactory.event(writer * 10_000 + won)])
                            won += 1
                        } catch EventLogError.wrongExpectedVersion {
                            lost += 1
                        }
                    }
                    return (won, lost)
                }
            }
            return try await group.reduce(into: [(won: Int, lost: Int)]()) { $0.append($1) }
        }
        #expect(wins.map(\.won) == [perWriter, perWriter, perWriter, perWriter])
        #expect(try log.readStream(stream).map(\.streamVersion) == Array(1...UInt64(4 * perWriter)))
        #expect(try log.verify().isValid)
    }
}
