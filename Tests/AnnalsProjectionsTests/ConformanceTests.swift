import AnnalsCore
import AnnalsProjections
import AnnalsTesting
import Foundation
import Testing

/// One test body, every `EventLog` Annals has: the LMDB log, the in-memory log, and the store
/// with its projections (whose appends also run every inline projection).
@Suite("EventLog conformance on every log")
struct ConformanceTests {
    static let backends = ["lmdb", "memory", "projected store"]

    @Test("conformance", arguments: backends, EventLogConformance.names)
    func conformance(_ backend: String, _ name: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        switch backend {
        case "lmdb":
            let store = try TemporaryStore()
            try EventLogConformance.run(name, on: store.open())
        case "memory":
            try EventLogConformance.run(name, on: InMemoryEventLog())
        default:
            let store = try ProjectedStore(path: directory.appending("store"), create: true)
            defer { store.close() }
            try EventLogConformance.run(name, on: store.events)
        }
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
