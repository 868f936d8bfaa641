import AnnalsCore
import AnnalsLMDBLog
@testable import AnnalsPostgres
import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

/// The event log on PostgreSQL: the same conformance suite as the LMDB log and the in-memory log,
/// on a private cluster.
@Suite("The event log on PostgreSQL", .onOwnThreads, .serialized, .enabled(if: PostgresCluster.missing == nil, Comment(rawValue: PostgresCluster.missing ?? "")))
struct PostgresLogTests {
    /// The log's calls block on postgres-nio's async work, so they run on a thread of their own,
    /// not on the task the test runs in (as the command line runs them).
    func offTask<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = ThreadResult<T>()
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.set(Result { try body() })
            done.signal()
        }.start()
        done.wait()
        return try box.get()
    }

    @Test("passes each check of the EventLog conformance suite on a new database, migrated once", arguments: EventLogConformance.names)
    func conformance(_ name: String) throws {
        // One cluster for every check (starting one costs seconds), a database of its own for each.
        let cluster = try PostgresCluster.shared()
        let index = try #require(EventLogConformance.names.firstIndex(of: name))
        let address = try cluster.database("conformance_\(index)")
        let (first, second, valid) = try offTask {
            let log = PostgresEventLog(try PostgresTarget(address, environment: [:]) ?? { throw ConformanceFailure("not an address") }())
            defer { log.close() }
            let first = try log.migrate(), second = try log.migrate()
            try EventLogConformance.run(name, on: log)
            return (first, second, try log.verify().isValid)
        }
        #expect(first == PostgresSchema.migrations.map(\.id) && first.count >= 2 && second.isEmpty, "\(name): \(first) then \(second)")
        #expect(valid, "\(name): the log does not verify afterwards")
    }

    @Test("the conformance suite the cases above run holds every check it is known to have")
    func conformanceCases() {
        #expect(EventLogConformance.names.count >= 11 && Set(EventLogConformance.names).count == EventLogConformance.names.count)
    }

    @Test("the same appends at the same times give the same positions and hashes as the LMDB log")
    func sameHashesAsLMDB() throws {
        let cluster = try PostgresCluster()
        let address = try cluster.database("hashes")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.appending("store")
        let (pg, local, headsEqual, valid) = try offTask {
            let fixed: @Sendable () -> Timestamp = { Timestamp(microsecondsSinceEpoch: 1_700_000_000_000_000) }
            let log = PostgresEventLog(try PostgresTarget(address, environment: [:]) ?? { throw ConformanceFailure("not an address") }(), clock: fixed)
            defer { log.close() }
            try log.migrate()
            let lmdb = try LMDBEventLog(path: path, clock: fixed)
            defer { lmdb.environment.close() }
            for index in 0..<20 {
                let appends = [StreamAppend(stream: try StreamID("s/\(index % 3)"), expected: .any, events: [EventFactory.event(index, payloadBytes: 64)])]
                try log.append(appends)
                try lmdb.append(appends)
            }
            return (try log.readLog(from: 1, limit: 100), try lmdb.readLog(from: 1, limit: 100), try log.head() == lmdb.head(), try log.verify().isValid)
        }
        #expect(pg.count == 20 && pg == local, "the two logs differ")
        #expect(headsEqual && valid)
    }

    @Test("the binary's PostgreSQL migrations are migrations/postgres/, byte for byte, and split into statements")
    func embeddedSQL() throws {
        let folder = RepositoryFiles.path("migrations/postgres")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(PostgresSchema.migrations.map(\.id) == files.map { String($0.dropLast(4)) })
        for (migration, file) in zip(PostgresSchema.migrations, files) {
            #expect(migration.sql == (try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8)), "\(file): run tools/embed-migrations.sh")
        }
        #expect(PostgresSchema.statements(PostgresSchema.migrations[0].sql).count == 3)
    }

    @Test("an address with a password is refused; the password comes from PGPASSWORD")
    func addresses() throws {
        #expect(throws: PostgresLogError.self) { try PostgresTarget("postgres://u:secret@h/db", environment: [:]) }
        let target = try #require(try PostgresTarget("postgres://lan@db.example:6543/annals", environment: ["PGPASSWORD": "x"]))
        #expect(target.description == "postgres://lan@db.example:6543/annals" && target.port == 6543)
        #expect(try PostgresTarget("./annals-store", environment: [:]) == nil)
    }
}

/// A result handed from a thread to the test waiting for it.
final class ThreadResult<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ value: Result<T, any Error>) {
        lock.lock()
        result = value
        lock.unlock()
    }

    func get() throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard let result else { throw ConformanceFailure("the thread ended without a result") }
        return try result.get()
    }
}
