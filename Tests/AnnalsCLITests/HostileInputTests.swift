import AnnalsCore
import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

/// Input that should be refused is refused on every path, before anything is written, with the
/// field named; and what is shown cannot be forged.
@Suite("Hostile input", .onOwnThreads)
struct HostileInputTests {
    let id = "event/lang-son-2021-ngo-aid"

    func write(_ w: CLIWorkspace, _ name: String, _ text: String) throws -> String {
        let path = w.directory.appending(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func record(_ fields: String) -> String {
        #"{"recordType":"diplomacyEvent","id":"event/hostile","kind":"meeting","title":"Họp","date":"2021-05-01"\#(fields)}"#
    }

    @Test("unknown, fixed, oversized and malformed values are refused with the field named, and nothing is written")
    func refusals() throws {
        let w = try CLIWorkspace()
        try w.seed()
        let long = String(repeating: "Ư", count: 300)  // 600 bytes of UTF-8
        var invalidUTF8 = Array(record(",\"place\":\"Lạng Sơn\"").utf8)
        invalidUTF8.insert(contentsOf: [0xff, 0xfe], at: invalidUTF8.count - 5)
        let badBytes = w.directory.appending("bytes.jsonl")
        FileManager.default.createFile(atPath: badBytes, contents: Data(invalidUTF8 + [0x0a]))
        let shortRows = try write(w, "events.csv", "GLOBALEVENTID,SQLDATE,EventCode,Actor1Name,Actor2Name\n1,20210501\n")
        let codebook = try write(w, "codes.txt", "CAMEOEVENTCODE\tEVENTDESCRIPTION\n040\tConsult\n")
        let cases: [([String], String)] = [
            (["import", try write(w, "palce.jsonl", record(",\"palce\":\"Lạng Sơn\""))], #"did you mean "place"?"#),
            (["import", try write(w, "nested.jsonl", record(#","counterparts":[{"name":"A","contry":"VN"}]"#))], "counterparts[0].contry"),
            (["create", "event", "--set", "id=event/x", "--set", "kind=meeting", "--set", "title=T", "--set", "date=2021", "--set", "foo=bar"], "no such field"),
            (["correct", id, "--set", "foo=bar", "--reason", "x"], "no such field"),
            (["correct", id, "--set", "recordType=article", "--reason", "x"], "a record's type never changes"),
            (["correct", id, "--set", "id=event/other", "--reason", "x"], "ids never change"),
            (["correct", id, "--set", "counterparts[0].name=\(long)", "--reason", "x"], "counterparts[0].name"),
            (["correct", id, "--set", "quantities[0].unit=\(long)", "--reason", "x"], "quantities[0].unit"),
            (["correct", id, "--set", "place=X", "--reason", "x", "--actor", long], "invalid actor"),
            (["correct", id, "--set", "place=X", "--reason", "dòng một\ndòng hai"], "invalid reason"),
            (["correct", id, "--set", "place=X", "--reason", "\u{1B}[2J xoá màn hình"], "invalid reason"),
            (["import", try write(w, "huge.jsonl", record(",\"description\":\"\(String(repeating: "chữ ", count: 70_000))\""))], "description"),
            (["import", try write(w, "minus.jsonl", record(",\"quantities\":[{\"metric\":\"ngo-aid\",\"unit\":\"USD\",\"value\":-0}]"))], "-0"),
            (["correct", "article/baolangson.vn/476767", "--set", "viewCount.count=-0", "--reason", "x"], "viewCount.count"),
            (["create", "event", "--set", "id=event/..", "--set", "kind=meeting", "--set", "title=T", "--set", "date=2021"], "invalid id"),
            (["show", "event/../../etc/passwd"], "invalid id"),
            (["import", badBytes], "field \"place\" of bytes.jsonl line 1"),
            (["import", shortRows, "--codebook", codebook], "row 1: invalid row \"2 of 5 columns\""),
            (["import", try write(w, "cut.csv", "id,title,published_at,source.name,url,language,category.primary,keywords,entities\n"
                                   + "b1,Tin thử,2026-01-02T03:04:05Z,DanTri,https://example.vn/a.htm,vi,the-gioi,a|b,\"Thực thể một, còn dở")],
             "the quoted field opened on line 2 is never closed"),
        ]
        let before = try w.fingerprint()
        for (arguments, message) in cases {
            let result = try w.run(arguments)
            #expect(result.status == 1, "annals \(arguments.prefix(4).joined(separator: " ")) exited \(result.status): \(result.stderr)")
            #expect(result.stderr.contains(message), "annals \(arguments.prefix(4).joined(separator: " ")): \(result.stderr)")
            #expect(try w.fingerprint() == before, "annals \(arguments.prefix(4).joined(separator: " ")) changed the store")
        }
    }

    @Test("an import that fails on a later file writes nothing; a failed import-log leaves nothing behind")
    func allOrNothing() throws {
        let w = try CLIWorkspace()
        try w.seed()
        let good = try write(w, "good.jsonl", record(""))
        let other = try write(w, "other.csv", "a,b\n1,2\n")
        let before = try w.fingerprint()
        let result = try w.run(["import", good, other])
        #expect(result.status == 1 && result.stderr.contains("nothing was imported"))
        #expect(try w.fingerprint() == before)
        #expect(try w.run(["show", "event/hostile"]).status == 1)

        var lines = try w.expectOK(["export"]).split(separator: "\n").map(String.init)
        lines[9] = lines[9].replacingOccurrences(of: "\"actor\":\"tester\"", with: "\"actor\":\"mallory\"")
        let export = try write(w, "tampered.jsonl", lines.joined(separator: "\n"))
        let target = w.directory.appending("restored")
        let refused = try w.run(["import-log", export, "--into", target])
        #expect(refused.status == 1 && refused.stderr.contains("position 10"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try FileManager.default.contentsOfDirectory(atPath: w.directory.path).allSatisfy { !$0.hasPrefix(".annals-partial") })
        lines = try w.expectOK(["export"]).split(separator: "\n").map(String.init)
        try w.expectOK(["import-log", try write(w, "clean.jsonl", lines.joined(separator: "\n")), "--into", target])
    }

    @Test("stored text is shown with its control characters escaped; actors match in NFD; the OS account is kept beside the actor")
    func output() throws {
        let w = try CLIWorkspace()
        // Long text keeps its control characters exactly (real articles carry stray ones).
        let path = try write(w, "escape.jsonl", record(#","description":"Dòng một\n2026-01-01  tester  corrected  \u001b[31mgiả mạo\u001b[0m""#))
        try w.expectOK(["import", path])
        let shown = try w.expectOK(["show", "event/hostile"])
        #expect(!shown.contains("\u{1B}") && shown.contains("\\u{1B}[31m") && shown.contains("Dòng một\\n2026"), "\(shown)")
        #expect(try w.expectOK(["show", "event/hostile", "--json"]).contains("\\u001b[31m"))

        let nfc = "Nguyễn Thị Ánh"
        let nfd = nfc.decomposedStringWithCanonicalMapping
        try #require(Array(nfd.utf8) != Array(nfc.utf8))
        try w.expectOK(["correct", "event/hostile", "--set", "place=Lạng Sơn", "--reason", "bổ sung", "--actor", nfc])
        let audit = try w.jsonLines(try w.expectOK(["audit", "--actor", nfd, "--json"]))
        #expect(audit.count == 1)
        #expect(audit.first?["account"] as? String == OSAccount.current)
        let table = try w.expectOK(["audit", "--actor", nfd])
        #expect(table.contains("\(nfc) (account: \(OSAccount.current))"), "\(table)")

        // U+2028 and U+2029 break lines on a terminal: escaped in every text output, as is U+0085
        // in an error that repeats what was given.
        try w.expectOK(["correct", "event/hostile", "--set", "place=Cao Bằng", "--reason", "dòng một\u{2028}2026-01-01  giả mạo", "--actor", "lan\u{2029}an"])
        for command in [["audit"], ["history", "event/hostile"], ["blame", "event/hostile"], ["audit", "--actor", "lan\u{2029}an"]] {
            let text = try w.expectOK(command)
            #expect(!text.unicodeScalars.contains { $0.value == 0x2028 || $0.value == 0x2029 }, "annals \(command.joined(separator: " ")) printed a raw separator: \(text)")
            #expect(command[0] == "blame" || text.contains("\\u{2028}") && text.contains("\\u{2029}"), "annals \(command.joined(separator: " ")): \(text)")
        }
        for arguments in [["show", "event/x\u{85}y"], ["correct", "event/hostile", "--set", "place\u{85}=x", "--reason", "r"], ["list", "--type", "a\u{2028}b"]] {
            let refused = try w.run(arguments)
            #expect(refused.status != 0 && !refused.stderr.unicodeScalars.contains { [0x85, 0x2028].contains($0.value) } && refused.stderr.contains("\\u{"),
                    "annals \(arguments.joined(separator: " ")) echoed a raw separator: \(refused.stderr)")
        }
    }
}
