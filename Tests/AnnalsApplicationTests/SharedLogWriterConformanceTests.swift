@testable import AnnalsApplication
import AnnalsCore
import AnnalsProjections
import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

/// How a follower's store writes (`SharedLogWriter`: every append goes to the shared log, then
/// the follower applies it and answers from its own copy), held to the same `EventLog` checks as
/// every log Annals has. The shared log here is the in-memory one; the PostgreSQL log passes the
/// same checks in its own tests.
@Suite("A follower's writer to the shared log, as an event log", .onOwnThreads)
struct SharedLogWriterConformanceTests {
    @Test("conformance through a follower", arguments: EventLogConformance.names)
    func conformance(_ name: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try ProjectedStore(path: directory.appending("follower"), create: true)
        defer { store.close() }
        let shared = InMemoryEventLog()
        // As `annals follow` starts one: the store records which shared log it follows.
        let follower = SharedLogReplica(store: store, source: shared, address: "memory://shared")
        try follower.adopt()
        let writer = SharedLogWriter(follower: follower, patience: .seconds(2))
        try EventLogConformance.run(name, on: writer)
        // The follower answers with what the shared log holds, event for event.
        let head = try shared.head()
        #expect(try writer.head() == head)
        #expect(try store.events.readLog(from: 1, limit: 2_000) == shared.readLog(from: 1, limit: 2_000))
    }
}
