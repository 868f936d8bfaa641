import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

/// When a change took effect beside when it was recorded: late, back-dated corrections move the
/// record's own timeline and leave every earlier belief of the store as it was.
@Suite("Effective time beside recorded time", .onOwnThreads)
struct EffectiveTimeTests {
    let id = "event/lang-son-2021-ngo-aid"

    func value(_ w: CLIWorkspace, _ arguments: [String]) throws -> String? {
        let result = try w.run(["show", id, "--json"] + arguments)
        guard result.status == 0 else { return nil }
        let record = try w.json(result.stdout)["record"] as? [String: Any]
        return ((record?["quantities"] as? [[String: Any]])?.first?["value"]) as? String
    }

    @Test("two corrections recorded in the opposite order of their effective times, on both axes")
    func backDated() throws {
        let w = try CLIWorkspace()
        try w.seed()
        // Recorded first, effective later: a report of 2022-03-15; then one of 2022-01-10, entered after it.
        try w.expectOK(["correct", id, "--set", "quantities[0].value=1108750", "--reason", "báo cáo 15/3", "--effective", "2022-03-15"])
        let afterFirst = try #require(try w.jsonLines(try w.expectOK(["history", id, "--json"])).last?["position"] as? Int)
        try w.expectOK(["correct", id, "--set", "quantities[0].value=1108700", "--reason", "báo cáo 10/1", "--effective", "2022-01-10"])

        // In the record's own timeline, as known now.
        #expect(try value(w, ["--effective", "2021-12-31"]) == "1108742")
        #expect(try value(w, ["--effective", "2022-02-01"]) == "1108700")
        #expect(try value(w, ["--effective", "2022-04-01"]) == "1108750")
        // What the store believed before the second correction was recorded is unchanged by it.
        #expect(try value(w, ["--effective", "2022-02-01", "--at", String(afterFirst)]) == "1108742")
        #expect(try value(w, ["--effective", "2022-04-01", "--at", String(afterFirst)]) == "1108750")
        #expect(try value(w, ["--at", String(afterFirst)]) == "1108750")
        // Recorded time alone: the last correction recorded wins.
        #expect(try value(w, []) == "1108700")
        // Before the record took effect (its date, 2021), it did not exist.
        let before = try w.run(["show", id, "--effective", "2020-06-01"])
        #expect(before.status == 1 && before.stderr.contains("did not exist yet at 2020-06-01 (effective)"))

        // History, blame and audit show both times.
        let history = try w.jsonLines(try w.expectOK(["history", id, "--json"]))
        // The create takes its effective time from the source (the event's date); the import's link
        // has none, so it took effect when recorded.
        #expect(history.map { $0["effectiveAt"] as? String } == ["2021-01-01T00:00:00.000000Z", history[1]["recordedAt"] as? String,
                                                                 "2022-03-15T00:00:00.000000Z", "2022-01-10T00:00:00.000000Z"])
        #expect(try w.expectOK(["history", id]).contains("(effective 2022-01-10T00:00:00Z)"))
        #expect(try w.expectOK(["blame", id]).contains("2022-01-10T00:00:00Z"))
        #expect(try w.jsonLines(try w.expectOK(["audit", "--record", id, "--json"])).first?["effectiveAt"] as? String == "2022-01-10T00:00:00.000000Z")
        // The effective time survives export and import-log (it is part of the hashed record).
        let export = w.directory.appending("log.jsonl")
        try w.expectOK(["export"]).write(toFile: export, atomically: true, encoding: .utf8)
        let copy = w.directory.appending("copy")
        try w.expectOK(["import-log", export, "--into", copy])
        #expect(try w.run(["show", id, "--json", "--effective", "2022-02-01", "--store", copy]).stdout.contains("1108700"))
    }

    @Test("an --effective that is not a time is refused and writes nothing")
    func badTime() throws {
        let w = try CLIWorkspace()
        try w.seed()
        let before = try w.fingerprint()
        let result = try w.run(["correct", id, "--set", "place=X", "--reason", "x", "--effective", "tháng ba"])
        #expect(result.status == 2 && result.stderr.contains("--effective \"tháng ba\" is not a time"))
        #expect(try w.fingerprint() == before)
    }
}
