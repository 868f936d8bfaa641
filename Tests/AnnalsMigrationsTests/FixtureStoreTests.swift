import AnnalsTestThreads
import AnnalsTesting
import Crypto
import Foundation
import Testing

/// A store written by the annals before the projection engine (commit 3e34d49): the seed's facts,
/// the demo article, a correction, a retraction and a link, as that version stored them. Built by
/// `tools/make-fixture-store.sh` at that commit; only project-written data is in it.
@Suite("A store from the previous annals", .onOwnThreads, .serialized)
struct FixtureStoreTests {
    let annals = BuiltProgram("annals")

    @Test("opens, needs no store migration, rebuilds what changed, verifies byte for byte against this engine, and takes edits")
    func previousVersionStore() throws {
        let copy = try FixtureCopy("store-3e34d49", annals: annals)
        defer { copy.remove() }
        let run = copy.run
        let plan = try run(["migrate", "--plan"])
        // Issue 13 changed what the records (upcast 0005) and aggregates (views) projections hold: both are rebuilt.
        #expect(plan.status == 0 && plan.stdout.contains("no store-format migration pending") && plan.stdout.contains("projections to rebuild: records, search, aggregates, audit"),
                "\(plan.stdout)\(plan.stderr)")
        let migrated = try run(["migrate"])
        #expect(migrated.status == 0 && migrated.stdout.contains("rebuilt records, search, aggregates, audit"), "\(migrated.stdout)\(migrated.stderr)")
        // The projections that version built equal, byte for byte, what this engine builds from the log.
        let verified = try run(["verify"])
        #expect(verified.status == 0 && verified.stdout.contains("all 4 projections agree"), "\(verified.stdout)\(verified.stderr)")
        let events = try run(["list", "event"])  // five, one of them retracted
        #expect(events.status == 0 && events.stdout.contains("4 records"), "\(events.stdout)")
        #expect(try run(["find", "hoi nghi ngoai giao"]).stdout.contains("article/baolangson.vn/476767"))
        let corrected = try run(["correct", "event/lang-son-2021-ngo-aid", "--set", "place=Lạng Sơn (tỉnh)", "--reason", "sau nâng cấp"])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        #expect(try run(["verify"]).status == 0)
        let history = try run(["history", "event/lang-son-2021-ngo-aid"])
        #expect(history.stdout.contains("sau nâng cấp") && history.stdout.contains("Báo cáo"), "\(history.stdout)")
    }

    /// A store of today's format (commit 2fb4ca6), with a checkpoint signed when it was made and the
    /// SHA-256 of its export, from `tools/make-fixture-store.sh PATH 2fb4ca6 --checkpoint`. When a
    /// later annals changes a format, this test says what an operator's store goes through.
    @Test("a store of today's format opens with nothing to migrate or rebuild, keeps its signed head and its export, and takes edits")
    func currentFormatStore() throws {
        let copy = try FixtureCopy("store-2fb4ca6", annals: annals)
        defer { copy.remove() }
        let run = copy.run, fixture = copy.fixture
        func text(_ name: String) throws -> String {
            try String(contentsOfFile: fixture + "/" + name, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let plan = try run(["migrate", "--plan"])
        #expect(plan.status == 0 && plan.stdout.contains("no store-format migration pending") && plan.stdout.contains("no projection to rebuild"),
                "\(plan.stdout)\(plan.stderr)")
        let export = try run(["export", "--since", "1"])
        #expect(export.status == 0 && export.stdout.split(separator: "\n").count == 21, "\(export.stderr)")
        #expect(Array(SHA256.hash(data: Data(export.stdout.utf8))).hexString == (try text("export.sha256")))
        let verified = try run(["verify", "--against", fixture + "/checkpoint.jsonl", "--trusted-key", try text("trusted-key")])
        #expect(verified.status == 0 && verified.stdout.contains("all 4 projections agree") && verified.stdout.contains("matches"),
                "\(verified.stdout)\(verified.stderr)")
        #expect(try run(["list", "event"]).stdout.contains("4 records"))
        #expect(try run(["find", "hoi nghi ngoai giao"]).stdout.contains("article/baolangson.vn/476767"))
        let corrected = try run(["correct", "event/lang-son-2021-ngo-aid", "--set", "place=Lạng Sơn (tỉnh)", "--reason", "sau nâng cấp"])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        // The signed head stays in the log after an edit: the checkpoint still matches.
        let again = try run(["verify", "--against", fixture + "/checkpoint.jsonl", "--trusted-key", try text("trusted-key")])
        #expect(again.status == 0 && again.stdout.contains("matches"), "\(again.stdout)\(again.stderr)")
    }
}

/// A fixture store's data file copied into a temporary directory, and the annals binary run on the copy.
private struct FixtureCopy {
    let fixture: String
    let directory: TemporaryDirectory
    let store: String
    let annals: BuiltProgram

    init(_ name: String, annals: BuiltProgram) throws {
        fixture = RepositoryFiles.path("Tests/AnnalsMigrationsTests/Fixtures/" + name)
        directory = try TemporaryDirectory()
        store = directory.appending("store")
        self.annals = annals
        do {
            try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: fixture + "/data.mdb", toPath: store + "/data.mdb")
        } catch {
            directory.remove()
            throw error
        }
    }

    func run(_ arguments: [String]) throws -> BuiltProgram.Result {
        try annals.run(arguments + ["--store", store], environment: ["ANNALS_ACTOR": "tester", "CI": "true"])
    }

    func remove() { directory.remove() }
}
