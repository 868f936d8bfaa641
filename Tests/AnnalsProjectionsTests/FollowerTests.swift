import AnnalsCore
import AnnalsLMDB
import AnnalsMigrations
import AnnalsProjections
import AnnalsRecords
import AnnalsTesting
import Foundation
import Testing

@Suite("Projections following a log kept elsewhere")
struct FollowerTests {
    /// Every projection table of the live generation, by projection and table, as stored.
    static func liveTables(_ environment: Environment) throws -> [String: [Entry]] {
        let meta = try environment.database("proj/meta", create: false)
        var tables: [String: [Entry]] = [:]
        for (projection, names) in [("records", ["state", "by-year"]), ("search", ["blocks", "numbers"]),
                                    ("aggregates", ["totals", "deltas"]), ("audit", ["by-actor"])] {
            let generation = try environment.read { txn in try txn.get(meta, Array("\(projection)/generation".utf8))?.first ?? 0 }
            for name in names {
                let table = try environment.database("proj/\(projection)/\(name)#\(generation)", create: false)
                tables["\(projection)/\(name)"] = try environment.read { txn in
                    var entries: [Entry] = []
                    try txn.scan(table) { entries.append($0); return true }
                    return entries
                }
            }
        }
        return tables
    }

    @Test("an in-memory log followed into LMDB: lag, catch-up, wait, and the same tables as a store built from it")
    func followInMemoryLog() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = InMemoryEventLog()
        let editor = RecordEditor(log: source)
        let context = EditContext(actor: "biên tập", reason: "theo dõi")
        for i in 0..<300 {
            try editor.create(.diplomacyEvent(DiplomacyEvent(id: RecordID("event/follow-\(i)"), kind: EventKind(i % 2 == 0 ? "meeting" : "aid-received"),
                                                             title: "Hội đàm số \(i)", date: RecordDate("20\(10 + i % 12)"),
                                                             counterparts: [Counterpart(name: "Lào", countryCode: "LA")],
                                                             quantities: [Quantity(metric: "ngo-aid", value: ExactDecimal("\(i).25"), unit: "USD")])),
                              context: context)
        }
        try editor.correct(RecordID("event/follow-7"), set: [(FieldPath("title"), .string("Hội đàm biên giới"))], context: context)
        try editor.retract(RecordID("event/follow-8"), context: context)

        let environment = try Environment(path: directory.appending("follower"))
        defer { environment.close() }
        let follower = try ProjectionCatchUp(source: source, environment: environment, upcaster: try Upcaster.embedded())
        #expect(try follower.lag() == 302)
        #expect(try follower.catchUp(batchSize: 64) == 302)
        #expect(try follower.lag() == 0 && follower.position() == 302)

        try editor.restore(RecordID("event/follow-8"), context: context)
        #expect(try follower.lag() == 1)
        #expect(try follower.catchUp(until: 303) == 303)
        #expect(try follower.position() == 303)
        // Nothing past the head: it stops where the log ends.
        #expect(try follower.catchUp(until: 304) == 303)

        // The same events restored into a local store: every table equal, byte for byte.
        let local = try StoreDirectory.restoreLog(into: directory.appending("local")) { sink in
            try source.forEachEvent { try sink($0); return true }
        }
        defer { local.close() }
        let followed = try Self.liveTables(environment), built = try Self.liveTables(local.environment)
        #expect(followed["records/state"]?.count == 300 && followed["aggregates/deltas"]?.count == 303)
        #expect(followed == built)
    }
}
