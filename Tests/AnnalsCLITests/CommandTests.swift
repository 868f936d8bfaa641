import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

@Suite("annals commands, end to end", .onOwnThreads)
struct CommandTests {
    @Test("init, import, show, list, find")
    func importAndRead() throws {
        let w = try CLIWorkspace(binary: true)
        let imported = try w.expectOK(["import", RepositoryFiles.path("docs/examples/demo-article.txt"),
                                       RepositoryFiles.path("docs/examples/seed-facts.jsonl"), RepositoryFiles.path("docs/examples/records.jsonl")])
        #expect(imported.contains("created 8, corrected 0, unchanged 0, linked 6, rejected 0"))
        let again = try w.expectOK(["import", RepositoryFiles.path("docs/examples/seed-facts.jsonl"), "--json"])
        #expect(try w.json(again)["unchanged"] as? Int == 5)

        let show = try w.expectOK(["show", "event/lang-son-2021-vaccine-aid-guangxi"])
        #expect(show.contains("Quảng Tây (Trung Quốc)") && show.contains("150000"))
        let shown = try w.json(try w.expectOK(["show", "article/baolangson.vn/476767", "--json"]))
        #expect((shown["record"] as? [String: Any])?["publishedAt"] as? String == "2022-01-22T08:58:32+07:00")
        #expect(shown["version"] as? Int == 6)

        let list = try w.expectOK(["list", "event", "--year", "2021", "--counterpart", "quang tay"])
        #expect(list.contains("event/lang-son-2021-hospital-beds-dong-a") && list.contains("2 records"))
        #expect(try w.jsonLines(try w.expectOK(["list", "article", "--json"])).count == 2)
        let found = try w.expectOK(["find", "hoi nghi ngoai giao"])
        #expect(found.contains("article/baolangson.vn/476767") && found.contains("2 found"))
    }

    @Test("create, correct, retract, restore, link, unlink, history and blame")
    func edits() throws {
        let w = try CLIWorkspace(binary: true)
        try w.seed()
        try w.expectOK(["create", "event", "--set", "id=event/2023-03-14-border-talks", "--set", "kind=meeting",
                        "--set", "title=Hội đàm biên giới", "--set", "date=2023-03-14", "--set", #"counterparts=[{"name":"Lào","countryCode":"LA"}]"#])
        let file = w.directory.appending("article.json")
        try #"{"url":"https://example.vn/the-gioi/2001-tin.html","title":"Tin biên giới","publishedAt":"2023-03-15"}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        try w.expectOK(["create", "article", "--file", file, "--actor", "Minh Anh"])
        let corrected = try w.expectOK(["correct", "event/2023-03-14-border-talks", "--set", "place=Lạng Sơn", "--set", "title=Hội đàm về biên giới",
                                        "--reason", "Bổ sung địa điểm", "--actor", "biên tập"])
        #expect(corrected.contains("now version 2") && corrected.contains("place: — → Lạng Sơn"))
        try w.expectOK(["link", "article/example.vn/2001", "event/2023-03-14-border-talks"])
        try w.expectOK(["unlink", "article/example.vn/2001", "event/2023-03-14-border-talks", "--reason", "Nhầm"])
        try w.expectOK(["retract", "event/2023-03-14-border-talks", "--reason", "Trùng"])
        #expect(!(try w.expectOK(["list", "event"])).contains("border-talks"))
        #expect(try w.expectOK(["list", "event", "--retracted"]).contains("border-talks"))
        try w.expectOK(["restore", "event/2023-03-14-border-talks", "--reason", "Không trùng", "--expected-version", "5"])

        let history = try w.expectOK(["history", "event/2023-03-14-border-talks"])
        for expected in ["v1", "create", "v2", "biên tập", "correct", "— Bổ sung địa điểm", "title: Hội đàm biên giới → Hội đàm về biên giới",
                         "v3", "link", "v4", "unlink", "v5", "retract", "— Trùng", "v6", "restore"] {
            #expect(history.contains(expected), "history lacks \(expected)")
        }
        let entries = try w.jsonLines(try w.expectOK(["history", "event/2023-03-14-border-talks", "--json"]))
        #expect(entries.map { $0["kind"] as? String } == ["create", "correct", "link", "unlink", "retract", "restore"])
        let blame = try w.jsonLines(try w.expectOK(["blame", "event/2023-03-14-border-talks", "--json"]))
        let place = try #require(blame.first { $0["field"] as? String == "place" })
        #expect(place["actor"] as? String == "biên tập" && place["reason"] as? String == "Bổ sung địa điểm")
        #expect(blame.first { $0["field"] as? String == "kind" }?["actor"] as? String == "tester")
    }

    @Test("show as of a time and a position, audit, aggregates now, as of, diff and CSV")
    func timeTravel() throws {
        let w = try CLIWorkspace(binary: true)
        try w.seed()
        // A time to the millisecond names the millisecond: the seed's events fall before its end,
        // the correction after it (query times take fractions of a second; no whole second to wait).
        Thread.sleep(forTimeInterval: 0.005)
        let milliseconds = ISO8601DateFormatter()
        milliseconds.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let before = milliseconds.string(from: Date())
        Thread.sleep(forTimeInterval: 0.005)
        try w.expectOK(["correct", "event/lang-son-2021-ngo-aid", "--set", "quantities[0].value=1108750", "--reason", "Quyết toán", "--actor", "auditor"])
        let now = try w.json(try w.expectOK(["show", "event/lang-son-2021-ngo-aid", "--json"]))
        #expect((now["record"] as? [String: Any]).flatMap { ($0["quantities"] as? [[String: Any]])?.first?["value"] as? String } == "1108750")
        let then = try w.expectOK(["show", "event/lang-son-2021-ngo-aid", "--as-of", before])
        #expect(then.contains("1108742") && !then.contains("1108750"))
        let atCreate = try w.json(try w.expectOK(["show", "event/lang-son-2021-ngo-aid", "--at", "5", "--json"]))
        #expect(atCreate["version"] as? Int == 1)

        let aggregates = try w.expectOK(["aggregates", "--metric", "ngo-aid"])
        #expect(aggregates.contains("115913") && aggregates.contains("1108750"))
        let old = try w.jsonLines(try w.expectOK(["aggregates", "--metric", "ngo-aid", "--as-of", before, "--format", "json"]))
        #expect(old.compactMap { ($0["value"] as? [String: Any])?["sum"] as? String } == ["115913", "1108742"])
        let diff = try w.expectOK(["aggregates", "--metric", "ngo-aid", "--diff", before, ISO8601DateFormatter().string(from: Date().addingTimeInterval(5))])
        #expect(diff.contains("1108742 → 1108750") && diff.contains("1 cell changed"))
        let csv = try w.expectOK(["aggregates", "--family", "quantity", "--format", "csv"])
        #expect(csv.split(separator: "\n").first == "family,year,dimensions,count,sum")
        #expect(csv.contains("quantity,2021,ngo-aid / USD,1,1108750"))

        let audit = try w.expectOK(["audit", "--actor", "auditor"])
        #expect(audit.contains("quantities[0].value: 1108742 → 1108750") && audit.contains("1 edit"))
        #expect(try w.jsonLines(try w.expectOK(["audit", "--since", before, "--json"])).count == 1)
        #expect(try w.jsonLines(try w.expectOK(["audit", "--kind", "link", "--json"])).count == 10)
        #expect(try w.jsonLines(try w.expectOK(["audit", "--record", "event/lang-son-2021-ngo-aid", "--json"])).count == 3)
    }

    @Test("rebuild, replay, verify, stats")
    func admin() throws {
        let w = try CLIWorkspace(binary: true)
        try w.seed()
        let fingerprint = try w.fingerprint()
        #expect(try w.expectOK(["rebuild"]).contains("rebuilt records, search, aggregates, audit from 16 events"))
        #expect(try w.expectOK(["rebuild", "--projection", "search"]).contains("rebuilt search"))
        #expect(try w.fingerprint() == fingerprint)
        let replay = try w.expectOK(["replay", "--until", "7", "--metric", "ngo-aid"])
        #expect(replay.contains("replayed 7 events: 1 articles, 5 diplomacy events") && replay.contains("1108742"))
        #expect(try w.expectOK(["verify"]).contains("verified 16 events"))
        let stats = try w.json(try w.expectOK(["stats", "--json"]))
        #expect(stats["articles"] as? Int == 1 && stats["diplomacyEvents"] as? Int == 5 && stats["events"] as? Int == 16)
        #expect((stats["projections"] as? [[String: Any]])?.allSatisfy { $0["position"] as? Int == 16 && $0["stale"] as? Bool == false } == true)
    }

    @Test("export then import-log gives the same head hash; backup while another process writes verifies")
    func exportAndBackup() throws {
        let w = try CLIWorkspace(binary: true)
        try w.seed()
        let export = w.directory.appending("log.jsonl")
        try w.expectOK(["export"]).write(toFile: export, atomically: true, encoding: .utf8)
        let restored = try w.expectOK(["import-log", export, "--into", w.directory.appending("restored"), "--json"])
        let head = try w.json(try w.expectOK(["stats", "--json"]))["headHash"] as? String
        #expect(try w.json(restored)["head"] as? String == head)
        #expect(try w.run(["verify", "--store", w.directory.appending("restored")]).status == 0)

        // A writer keeps creating records while the backup runs.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "for i in $(seq 1 25); do \"$ANNALS\" create event --set id=event/load-$i --set kind=other --set title=T$i --set date=2024 >/dev/null || exit 1; done"]
        writer.environment = ProcessInfo.processInfo.environment.merging(["ANNALS": w.annals.path, "ANNALS_STORE": w.store, "ANNALS_ACTOR": "writer"]) { $1 }
        try writer.run()
        Thread.sleep(forTimeInterval: 0.3)
        let backup = try w.expectOK(["backup", w.directory.appending("backup")])
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        #expect(backup.contains("the copy verifies"))
        let copy = try w.run(["verify", "--store", w.directory.appending("backup")])
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(try w.expectOK(["list", "event"]).contains("30 records"))
    }
}
