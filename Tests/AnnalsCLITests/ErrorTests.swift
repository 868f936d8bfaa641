import AnnalsCore
import AnnalsLMDB
import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

@Suite("annals refuses bad input and leaves the store as it was", .onOwnThreads)
struct ErrorTests {
    @Test("each bad command exits with its code, says what is wrong in one line, and changes nothing")
    func refusals() throws {
        let w = try CLIWorkspace()
        try w.seed()
        let badText = w.directory.appending("bad.txt")
        try "Tiêu đề\n\nThứ 6, 22.01.2022 | 08:58:32\n258 lượt xem\n\nĐoạn.\n\nAN/baolangson.vn\n\nhttps://baolangson.vn/kinh-te/9999-x.html\n"
            .write(toFile: badText, atomically: true, encoding: .utf8)
        let badJSONL = w.directory.appending("bad.jsonl")
        try "{\"recordType\":\"diplomacyEvent\",\"id\":\"event/x\",\"kind\":\"meeting\",\"title\":\"T\",\"date\":\"2021-13\"}\n{oops\n"
            .write(toFile: badJSONL, atomically: true, encoding: .utf8)
        let badJSON = w.directory.appending("bad.json")
        try "[{\"recordType\":\"article\"".write(toFile: badJSON, atomically: true, encoding: .utf8)
        let badCSV = w.directory.appending("other.csv")
        try "a,b\n1,2\n".write(toFile: badCSV, atomically: true, encoding: .utf8)
        let id = "event/lang-son-2021-ngo-aid"
        let cases: [([String], Int32, String)] = [
            (["show", "event/none"], 1, "no record event/none"),
            (["correct", id, "--set", "date=2021-02-30", "--reason", "x"], 1, "invalid date \"2021-02-30\""),
            (["correct", id, "--set", "place=X"], 2, "needs --reason"),
            (["retract", id], 2, "needs --reason"),
            (["correct", id, "--set", "kind=party", "--reason", "x"], 1, "invalid kind \"party\""),
            (["correct", id, "--set", "quantities[0].value=-1", "--reason", "x"], 1, "quantities[0].value"),
            (["correct", id, "--set", "place=Lạng Sơn", "--reason", "x"], 1, "changes nothing"),
            (["correct", id, "--set", "place=X", "--reason", "x", "--expected-version", "1"], 3, "conflict on stream \(id): expected version 1, but it is at version 2"),
            (["link", id, "article/baolangson.vn/476767"], 1, "is not an article"),
            (["restore", id, "--reason", "x"], 1, "is not retracted"),
            (["create", "event", "--set", "id=event/lang-son-2021-ngo-aid", "--set", "kind=other", "--set", "title=T", "--set", "date=2021"], 1, "already exists"),
            (["list", "events"], 2, "invalid for '<type>'"),
            (["show", id, "--as-of", "hôm qua"], 2, "--as-of \"hôm qua\" is not a time"),
            (["show", id, "--tz", "Mars/Olympus"], 2, "unknown time zone"),
            (["correct", id, "--set", "place=X", "--reason", "x", "--actor", " "], 2, "--actor is empty"),
            (["import", badText], 1, "is a Thứ 7, not a Thứ 6"),
            (["import", badJSONL], 1, "invalid date \"2021-13\""),
            (["import", badJSON], 1, "not valid JSON"),
            (["import", badCSV], 1, "not a CSV Annals reads"),
            (["import", w.directory.appending("absent.jsonl")], 1, "no such file"),
            (["aggregates", "--family", "money"], 2, "unknown --family money"),
            (["rebuild", "--projection", "everything"], 2, "unknown projection everything"),
            (["import-log", badJSONL, "--into", w.directory.appending("copy")], 1, "give lines written by annals export"),
            (["backup", w.directory.path], 1, "is not empty"),
        ]
        let before = try w.fingerprint()
        for (arguments, code, message) in cases {
            let result = try w.run(arguments)
            #expect(result.status == code, "annals \(arguments.joined(separator: " ")) exited \(result.status), expected \(code): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            // An import names each rejected record on a line of its own, then fails with one error line.
            #expect(lines.contains { ($0.hasPrefix("error: ") || $0.hasPrefix("rejected: ")) && $0.contains(message) },
                    "annals \(arguments.joined(separator: " ")): \(result.stderr)")
            #expect(lines.filter { $0.hasPrefix("error: ") }.count == 1, "more than one error line: \(result.stderr)")
            #expect(try w.fingerprint() == before, "annals \(arguments.joined(separator: " ")) changed the store")
        }
        // The program says the same as the commands run in process, for a case of each exit code
        // (a usage error among them, which ArgumentParser words) and an import's rejections.
        var compared = 0
        for (arguments, code, _) in cases where [0, 2, 7, 16].contains(cases.firstIndex { $0.0 == arguments }) {
            let inProcess = try w.run(arguments), program = try w.runProgram(arguments)
            #expect(program.status == code && program.status == inProcess.status && program.stderr == inProcess.stderr,
                    "annals \(arguments.joined(separator: " ")): the program exited \(program.status) with \(program.stderr), in process \(inProcess.status) with \(inProcess.stderr)")
            compared += 1
        }
        #expect(compared == 4)
        #expect(try w.fingerprint() == before)
    }

    @Test("a missing or unreadable store path is an error, and nothing is created")
    func missingStore() throws {
        let w = try CLIWorkspace(initialized: false)
        let missing = try w.run(["show", "event/x"])
        #expect(missing.status == 1 && missing.stderr.contains("no store at this path"))
        #expect(!FileManager.default.fileExists(atPath: w.store))
        let file = w.directory.appending("plain-file")
        try "not a store".write(toFile: file, atomically: true, encoding: .utf8)
        let notDirectory = try w.run(["list", "event", "--store", file])
        #expect(notDirectory.status == 1 && notDirectory.stderr.contains("not a directory"))
        try w.expectOK(["init"])
        let twice = try w.run(["init"])
        #expect(twice.status == 1 && twice.stderr.contains("already holds a store"))
    }

    @Test("a store of a newer format is refused and left byte for byte as it was")
    func newerFormat() throws {
        let w = try CLIWorkspace()
        try w.seed()
        let env = try Environment(path: w.store)
        let meta = try env.database("meta", create: false)
        try env.write { txn in try txn.put(meta, Array("format".utf8), [0, 0, 0, 9]) }
        env.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: w.store + "/data.mdb"))
        for arguments in [["show", "event/lang-son-2021-ngo-aid"], ["import", RepositoryFiles.path("docs/examples/records.jsonl")], ["verify"]] {
            let result = try w.run(arguments)
            #expect(result.status == 1 && result.stderr.contains("store format 9 is newer than this annals knows"), "\(arguments): \(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: w.store + "/data.mdb")) == before)
    }

    @Test("verify exits 4 naming the first bad position")
    func verifyFailure() throws {
        let w = try CLIWorkspace()
        try w.seed()
        let env = try Environment(path: w.store)
        let events = try env.database("log/events", create: false)
        try env.write { txn in
            let key: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 9]
            guard var value = try txn.get(events, key) else { return }
            value[value.count - 2] ^= 0x01
            try txn.put(events, key, value)
        }
        env.close()
        let result = try w.run(["verify"])
        #expect(result.status == 4)
        #expect(result.stderr.contains("verification failed at position 9: hash mismatch"))
    }

    @Test("two processes correcting one record at once never lose an edit: each lands or exits 3")
    func concurrentWriters() throws {
        let w = try CLIWorkspace()
        try w.seed()
        let id = "event/lang-son-2021-hospital-beds-dong-a"
        let script = """
        for i in $(seq 1 12); do
          v=$("$ANNALS" show \(id) --json | sed 's/.*"version":\\([0-9]*\\).*/\\1/')
          "$ANNALS" correct \(id) --set "quantities[0].value=$WHO$i" --reason "lần $i" --expected-version "$v" >/dev/null 2>&1
          echo "$? $WHO$i"
        done
        """
        let outputs = try ["1", "2"].map { who -> (Process, Pipe) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script]
            process.environment = ProcessInfo.processInfo.environment.merging(["ANNALS": w.annals.path, "ANNALS_STORE": w.store,
                                                                              "ANNALS_ACTOR": "writer-\(who)", "WHO": who + "0"]) { $1 }
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            return (process, pipe)
        }
        var landed: [String] = []
        for (process, pipe) in outputs {
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ")
                #expect(parts.first == "0" || parts.first == "3", "an edit neither landed nor conflicted: \(line)")
                if parts.first == "0" { landed.append(String(parts[1])) }
            }
        }
        let history = try w.jsonLines(try w.expectOK(["history", id, "--json"]))
        let values = history.compactMap { entry in
            (entry["changes"] as? [[String: Any]])?.first { $0["field"] as? String == "quantities[0].value" }?["new"] as? String
        }
        #expect(values.sorted() == landed.sorted(), "acknowledged and stored corrections differ")
        #expect(landed.count >= 12)
        #expect(try w.run(["verify"]).status == 0)
    }
}
