import AnnalsCore
import AnnalsLMDBLog
import AnnalsLMDB
import AnnalsProjections
import AnnalsRecords
import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A store as format 1 left it: no by-type index, format 1, no record of migration 0004.
func makeFormat1Store(_ path: String, records: Int) throws {
    let store = try ProjectedStore(path: path, create: true)
    let runner = ImportRunner(editor: RecordEditor(log: store.events, states: RecordsReader(store)), actor: "nhập liệu", batchSize: 500)
    for i in 0..<records {
        try runner.add(ImportItem(location: SourceLocation(file: "gen", line: i), result: .success(.diplomacyEvent(DiplomacyEvent(
            id: try RecordID("event/gen-\(i)"), kind: try EventKind("meeting"), title: "Gặp gỡ \(i)", date: try RecordDate("20\(10 + i % 10)"),
            counterparts: [Counterpart(name: "Lào", countryCode: "LA")])))))
    }
    try runner.finish()
    let env = store.environment
    let meta = try env.database("meta", create: false), byType = try env.database("log/by-type", create: false)
    try env.write { txn in
        try txn.clear(byType)
        try txn.put(meta, Array("format".utf8), [0, 0, 0, 1])
        _ = try txn.delete(meta, Array("migrations/0004-log-by-type-index".utf8))
    }
    env.close()
}

@Suite("annals migrate", .onOwnThreads, .serialized)
struct MigrateCommandTests {
    let annals = BuiltProgram("annals")

    @Test("an older store is refused until migrated; --plan lists what migrate then does")
    func planAndMigrate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = directory.appending("store")
        try makeFormat1Store(store, records: 20)
        let refused = try annals.run(["list", "event", "--store", store])
        #expect(refused.status == 1 && refused.stderr.contains("store format 1 is older than this annals (format 2); run: annals migrate"))
        let plan = try annals.run(["migrate", "--plan", "--store", store])
        #expect(plan.status == 0 && plan.stdout.contains("pending 0004-log-by-type-index") && plan.stdout.contains("store format 1"))
        let migrated = try annals.run(["migrate", "--store", store])
        #expect(migrated.status == 0 && migrated.stdout.contains("applied 0004-log-by-type-index"), "\(migrated.stderr)")
        #expect(try annals.run(["migrate", "--plan", "--store", store]).stdout.contains("no store-format migration pending"))
        #expect(try annals.run(["migrate", "--store", store]).stdout.contains("up to date (format 2)"))
        #expect(try annals.run(["list", "event", "--store", store]).stdout.contains("20 records"))
        #expect(try annals.run(["verify", "--store", store]).status == 0)
        #expect(try annals.run(["check-upcasts", "--store", store]).stdout.contains("all 20 events decode"))
    }

    @Test("migrate killed by SIGKILL at random moments leaves a store that opens, and the next run completes it")
    func killedMigrate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = directory.appending("store")
        try makeFormat1Store(store, records: 3000)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<8 {
            let (process, _, _) = try annals.start(["migrate", "--store", store])
            usleep(UInt32.random(in: 0...60_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            var options = EnvironmentOptions()
            options.createIfMissing = false
            let log = try LMDBEventLog(path: store, options: options, openingOlderFormat: true)
            #expect(log.format == 1 || log.format == 2, "round \(round)")
            let report = try log.verify()
            #expect(report.isValid, "round \(round): \(String(describing: report.problem))")
            #expect(report.head.position == 3000)
            log.environment.close()
        }
        let finished = try annals.run(["migrate", "--store", store])
        #expect(finished.status == 0, "\(finished.stderr)")
        let verified = try annals.run(["verify", "--store", store])
        #expect(verified.status == 0 && verified.stdout.contains("verified 3000 events"), "\(verified.stderr)")
    }

    @Test("a store migrated by a newer annals is refused and left as it was")
    func downgrade() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.appending("store")
        let store = try ProjectedStore(path: path, create: true)
        let meta = try store.environment.database("meta", create: false)
        try store.environment.write { txn in try txn.put(meta, Array("migrations/0099-from-the-future".utf8), Array("2030".utf8)) }
        store.environment.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path + "/data.mdb"))
        for arguments in [["migrate"], ["show", "event/x"]] {
            let result = try annals.run(arguments + ["--store", path])
            #expect(result.status == 1 && result.stderr.contains("migrated by a newer annals (migration 0099-from-the-future)"), "\(arguments): \(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path + "/data.mdb")) == before)
    }

    @Test("check-upcasts reports an event the current upcasters cannot read, writing nothing")
    func checkUpcasts() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.appending("store")
        let log = try LMDBEventLog(path: path)
        try log.append(to: StreamID("event/x"), expected: .noStream, [
            ProposedEvent(type: "DiplomacyEventCreated", schemaVersion: 9, payload: Array("{}".utf8), metadata: EventMetadata(actor: "future")),
        ])
        log.environment.close()
        let result = try annals.run(["check-upcasts", "--store", path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("position 1: DiplomacyEventCreated v9") && result.stderr.contains("1 of 1 events do not decode"))
    }
}
