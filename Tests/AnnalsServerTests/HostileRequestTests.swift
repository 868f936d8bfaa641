import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

/// What an independent hostile test of the server found, each held here: floods of wrong tokens,
/// user names found by timing, oversized chunked bodies, unknown and repeated body keys, weak
/// entity tags, a user added twice.
@Suite("annals serve under attack", .onOwnThreads, .serialized)
struct HostileRequestTests {
    let aid = "event/lang-son-2021-ngo-aid"

    /// The `token checks` line the server logs when it stops: run, peak, limit, refused.
    func tokenChecks(_ w: ServerWorkspace) -> [String: Int] {
        guard let line = w.log().split(separator: "\n").last(where: { $0.contains("token checks") }) else { return [:] }
        var found: [String: Int] = [:]
        for key in ["run", "peak", "limit", "refused"] {
            if let range = line.range(of: "\(key)=") {
                found[key] = Int(line[range.upperBound...].prefix { $0.isNumber })
            }
        }
        return found
    }

    @Test("a flood of wrong tokens runs at most the configured checks at once, one per refused token, unknown names included; past the limit per address, 429 without a check")
    func flood() throws {
        let w = try ServerWorkspace()
        try w.start(["--token-checks", "1", "--login-attempts-per-minute", "40", "--login-delay-max", "0"])
        let probe = w.probe, reader = w.token("minh")
        #expect(try probe.request("GET", "/stats", token: reader).status == 200)
        // Unknown names cost a check like known ones: three of each, one at a time.
        for attempt in 0..<6 {
            let name = attempt % 2 == 0 ? "ghost-\(attempt)" : "minh"
            #expect(try probe.request("GET", "/stats", token: "\(name).wrong-\(attempt)").status == 401)
        }
        // 60 more at 20 at once, while a signed-in reader keeps reading.
        let statuses = Collected<Int>(), readerStatuses = Collected<Int>()
        let done = DispatchSemaphore(value: 0)
        for lane in 0..<20 {
            Thread {
                for round in 0..<3 {
                    let name = (lane + round) % 2 == 0 ? "minh" : "ghost-\(lane)-\(round)"
                    statuses.add((try? probe.request("GET", "/stats", token: "\(name).guess-\(round)").status) ?? 0)
                }
                done.signal()
            }.start()
        }
        Thread {
            for _ in 0..<10 { readerStatuses.add((try? probe.request("GET", "/stats", token: reader).status) ?? 0) }
            done.signal()
        }.start()
        for _ in 0..<21 { done.wait() }
        let all = statuses.all
        #expect(all.count == 60 && all.allSatisfy { [401, 429, 503].contains($0) }, "\(all.sorted())")
        #expect(readerStatuses.all == Array(repeating: 200, count: 10), "\(readerStatuses.all)")
        let refused = all.filter { $0 == 401 }.count
        #expect(refused <= 34 && all.filter { $0 == 429 }.count >= 26, "40 attempts a minute from one address: \(all.sorted())")
        // Over the limit: 429 with Retry-After, and no check.
        let throttled = try probe.request("GET", "/stats", token: "minh.again")
        #expect(throttled.status == 429 && Int(throttled.headers["retry-after"] ?? "") != nil, "\(throttled.status) \(throttled.headers)")
        #expect(w.stop() == 0)
        let counts = tokenChecks(w)
        #expect(counts["limit"] == 1 && counts["peak"] == 1, "\(counts)")
        // Exactly one check per refused token (6 sequential, the flood's 401s) and the reader's first.
        #expect(counts["run"] == 1 + 6 + refused, "\(counts), \(refused) refused in the flood")
    }

    @Test("bodies: a chunked 10 MB body is 413, unknown and repeated keys are 400 naming them, a weak If-Match never matches, a user added twice is 409")
    func bodies() throws {
        let w = try ServerWorkspace()
        try w.start()
        let editor = w.token("lan"), admin = w.token("quan-tri")
        let chunked = try w.probe.chunkedRequest("POST", "/records", token: editor, size: 10 << 20)
        #expect(chunked.status == 413 && chunked.errorCode == "too-large", "\(chunked.status) \(chunked.text)")
        let record: [String: Any] = ["id": "event/hostile-body", "kind": "meeting", "title": "Họp", "date": "2024"]
        for (key, value) in [("bogus", "x"), ("Actor", "mallory"), ("efective", "2024-01-01")] {
            let refused = try w.request("POST", "/records", token: editor, json: ["type": "event", "record": record, "reason": "thử", key: value])
            #expect(refused.status == 400 && refused.errorCode == "unknown-field" && refused.text.contains("\\\"\(key)\\\""), "\(key): \(refused.text)")
        }
        let typo = try w.request("PATCH", "/records/\(aid)", token: editor, headers: ["If-Match": "\"2\""],
                                 json: ["set": ["place": "Hà Nội"], "reason": "thử", "efective": "2024-01-01"])
        #expect(typo.status == 400 && typo.text.contains("did you mean \\\"effective\\\""), "\(typo.text)")
        let twice = try w.request("POST", "/records", token: editor,
                                  body: Data(#"{"type":"event","record":{"id":"event/twice","kind":"meeting","title":"Họp","date":"2024"},"reason":"một","reason":"hai"}"#.utf8))
        #expect(twice.status == 400 && twice.errorCode == "malformed-json" && twice.text.contains("twice"), "\(twice.text)")
        #expect(try w.get("/records/event/hostile-body", as: "lan").status == 404 && w.get("/records/event/twice", as: "lan").status == 404)
        // RFC 9110: If-Match compares strongly, so W/"2" does not match version 2.
        let weak = try w.request("PATCH", "/records/\(aid)", token: editor, headers: ["If-Match": "W/\"2\""], json: ["set": ["place": "Hà Nội"], "reason": "thử"])
        #expect(weak.status == 412, "\(weak.status) \(weak.text)")
        #expect(try w.get("/records/\(aid)", as: "lan").headers["etag"] == "\"2\"")
        let again = try w.request("POST", "/users", token: admin, json: ["name": "minh", "role": "reader"])
        #expect(again.status == 409 && again.errorCode == "exists", "\(again.status) \(again.text)")
    }

    @Test("an unknown user is 404 on every user route; a Last-Event-ID at the top of the range is 400, not a crash; a bad from is 400 beside a Last-Event-ID")
    func edges() throws {
        let w = try ServerWorkspace()
        try w.start()
        let admin = w.token("quan-tri"), auditor = w.token("kiem-toan")
        for action in ["role", "disable", "enable", "reset-token"] {
            let body: [String: Any] = action == "role" ? ["role": "reader", "reason": "thử"] : ["reason": "thử"]
            let answer = try w.request("POST", "/users/nobody/\(action)", token: admin, json: body)
            #expect(answer.status == 404 && answer.errorCode == "not-found", "\(action): \(answer.status) \(answer.text)")
        }
        for last in ["18446744073709551615", "9223372036854775807", "-1", "7x"] {
            let answer = try w.request("GET", "/log", token: auditor, headers: ["Last-Event-ID": last])
            #expect(answer.status == 400 && answer.text.contains("Last-Event-ID"), "\(last): \(answer.status) \(answer.text)")
        }
        let from = try w.request("GET", "/log?from=abc", token: auditor, headers: ["Last-Event-ID": "3"])
        #expect(from.status == 400 && from.text.contains("from"), "\(from.status) \(from.text)")
        #expect(try w.get("/health", as: "lan").status == 200, "the server still answers")
        #expect(w.stop() == 0)
    }
}

/// `POST /verify` and `annals verify` are one use case: the same verdict on the same store.
@Suite("One verify verdict", .onOwnThreads)
struct VerifyVerdictTests {
    /// The verdict as `annals verify --json` gives it (exit status, object) and as `POST /verify`
    /// gives it (status, object), on a workspace's store changed by `change` before the server starts.
    func verdicts(_ change: (ServerWorkspace, _ checkpointed: Int) throws -> Void) throws -> (cli: (Int32, [String: Any]), api: (Int, [String: Any])) {
        let w = try ServerWorkspace()
        let key = w.directory.appending("keys/checkpoint.key"), checkpoints = w.directory.appending("checkpoints.jsonl")
        let created = try w.annals.run(["key", "init", "--key", key], environment: ["CI": "true"])
        try #require(created.status == 0, "annals key init: \(created.stderr)")
        try w.cli(["checkpoint", "--key", key]).write(toFile: checkpoints, atomically: true, encoding: .utf8)
        let statement = try String(contentsOfFile: checkpoints, encoding: .utf8)
        try change(w, (try JSONSerialization.jsonObject(with: Data(statement.utf8)) as? [String: Any])?["position"] as? Int ?? 0)
        let cli = try w.annals.run(["verify", "--json", "--against", checkpoints, "--key", key, "--store", w.store], environment: ["CI": "true"])
        let cliVerdict = (try? JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any]) ?? [:]
        try w.start()
        defer { w.stop() }
        let statements = try String(contentsOfFile: checkpoints, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8))
        }
        let trusted = (statements.first as? [String: Any])?["publicKey"] as? String ?? ""
        let api = try w.request("POST", "/verify", token: w.token("quan-tri"), json: ["checkpoints": statements, "trustedKey": trusted])
        return ((cli.status, cliVerdict), (api.status, api.json))
    }

    /// The verdict's findings, with the checkpoint's source (a file, or the request) left out.
    func findings(_ verdict: [String: Any]) -> String {
        let problem = (verdict["problem"] as? String ?? "").replacingOccurrences(of: #"checkpoint in \S+ signed"#, with: "checkpoint in … signed", options: .regularExpression)
        return "ok=\(verdict["ok"] ?? "?") events=\(verdict["events"] ?? "?") position=\(verdict["position"] ?? "-") "
            + "checkpoints=\((verdict["checkpoints"] as? [Any])?.count ?? -1) problem=\(problem)"
    }

    @Test("intact, rolled back behind a checkpoint, a backup changed after the copy: the CLI's exit and the API's status and findings agree")
    func sameVerdict() throws {
        let cases: [(String, Int32, Int, (ServerWorkspace, Int) throws -> Void)] = [
            ("intact", 0, 200, { _, _ in }),
            // The last event (the auditor's account) goes; the admin's stays, to sign in with.
            ("rolled back", 4, 409, { w, checkpointed in
                let done = try Helper.run(["tamper", w.store, "truncate", String(checkpointed - 1)])
                try #require(done.status == 0, "the tamper tool failed: \(done)")
                try w.cli(["rebuild"])
            }),
            ("a backup changed after the copy", 4, 409, { w, _ in
                let copy = w.directory.appending("copy")
                try w.cli(["backup", copy])
                try FileManager.default.removeItem(atPath: w.store)
                try FileManager.default.moveItem(atPath: copy, toPath: w.store)
                try w.cli(["correct", "event/lang-son-2021-ngo-aid", "--set", "quantities[0].value=1108745", "--reason", "thử sau bản sao"])
            }),
        ]
        var compared = 0
        for (name, exit, status, change) in cases {
            let (cli, api) = try verdicts(change)
            #expect(cli.0 == exit && api.0 == status, "\(name): annals verify exited \(cli.0), POST /verify answered \(api.0)")
            #expect(!cli.1.isEmpty && findings(cli.1) == findings(api.1), "\(name):\n  cli \(findings(cli.1))\n  api \(findings(api.1))")
            if cli.0 == exit && api.0 == status { compared += 1 }
        }
        #expect(compared == cases.count)
    }
}
