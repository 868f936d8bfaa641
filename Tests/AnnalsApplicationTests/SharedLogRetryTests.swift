@testable import AnnalsApplication
import AnnalsCore
import AnnalsPostgres
import AnnalsProjections
import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

/// How a follower's edits wait out a shared log that cannot be reached.
@Suite("Retrying the shared log", .onOwnThreads)
struct SharedLogRetryTests {
    /// A follower's writer over an in-memory source, with a short patience.
    func writer(_ directory: TemporaryDirectory, patience: Duration) throws -> (SharedLogWriter, ProjectedStore) {
        let store = try ProjectedStore(path: directory.appending("follower"), create: true)
        let follower = SharedLogReplica(store: store, source: InMemoryEventLog(), address: "memory://shared")
        return (SharedLogWriter(follower: follower, patience: patience), store)
    }

    @Test("a call that hangs past the patience before failing is still retried: a short outage never fails an edit")
    func longCallThenRecovery() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (writer, store) = try writer(directory, patience: .milliseconds(200))
        defer { store.close() }
        var calls = 0
        let answer = try writer.retrying("append to the shared log") { () throws -> Int in
            calls += 1
            if calls == 1 {
                // The first call outlives the whole patience (as a 20 s call timeout outlives 15 s).
                Thread.sleep(forTimeInterval: 0.4)
                throw PostgresLogError("the connection to the PostgreSQL server closed", isUnavailable: true)
            }
            return 7
        }
        #expect(answer == 7 && calls == 2)
    }

    @Test("an outage longer than the patience fails once, saying so, after retrying for the patience")
    func longOutageFails() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (writer, store) = try writer(directory, patience: .milliseconds(300))
        defer { store.close() }
        var calls = 0
        let started = ContinuousClock.now
        #expect {
            try writer.retrying("append to the shared log") { () throws -> Int in
                calls += 1
                throw PostgresLogError("cannot connect to the PostgreSQL server", isUnavailable: true)
            }
        } throws: { error in
            Failure(error)?.kind == .unavailable && "\(error)".contains("could not append to the shared log at memory://shared")
        }
        #expect(ContinuousClock.now - started >= .milliseconds(300) && calls >= 2)
    }
}
