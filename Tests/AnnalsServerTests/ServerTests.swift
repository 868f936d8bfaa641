import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

/// `annals serve`, the real binary on a real store: every route's happy path and its refusals,
/// proven actors, optimistic concurrency, limits, and a graceful stop.
@Suite("annals serve", .onOwnThreads, .serialized)
struct ServerTests {
    let aid = "event/lang-son-2021-ngo-aid"

    @Test("every route answers its role, and refuses no token (401), a wrong role (403) and a disabled user at once (401)")
    func authorization() throws {
        let w = try ServerWorkspace()
        try w.start()
        // (method, path, body, the least role allowed)
        let routes: [(String, String, Any?, String)] = [
            ("GET", "/records/\(aid)", nil, "reader"), ("GET", "/records?type=event", nil, "reader"), ("GET", "/search?q=lang+son", nil, "reader"),
            ("GET", "/aggregates?family=quantity", nil, "reader"), ("GET", "/stats", nil, "reader"),
            ("GET", "/history/\(aid)", nil, "editor"), ("GET", "/blame/\(aid)", nil, "editor"),
            ("GET", "/audit?limit=5", nil, "auditor"), ("GET", "/users", nil, "admin"), ("POST", "/verify", nil, "admin"),
        ]
        let order = ["reader": 0, "editor": 1, "auditor": 2, "admin": 3]
        let users = ["minh": "reader", "lan": "editor", "kiem-toan": "auditor", "quan-tri": "admin"]
        var allowed = 0
        for (method, path, _, least) in routes {
            #expect(try w.request(method, path).status == 401, "\(path) without a token")
            for (user, role) in users {
                let status = try w.request(method, path, token: w.token(user)).status
                // Auditors read history but do not edit; editors do not read the audit.
                let may = least == "editor" && role == "auditor" ? true : order[role]! >= order[least]!
                #expect(may ? status == 200 : status == 403, "\(method) \(path) as \(role): \(status)")
                if may { allowed += 1 }
            }
        }
        #expect(allowed == 30)
        // Wrong tokens are refused, each later one from the same client answered more slowly.
        var waits: [Double] = []
        for attempt in 0..<4 {
            let start = Date()
            #expect(try w.request("GET", "/stats", token: attempt == 0 ? "minh.wrong" : "nobody.\(attempt)").status == 401)
            waits.append(Date().timeIntervalSince(start))
        }
        #expect(waits[3] >= 0.75 && waits[3] > waits[0], "\(waits)")
        // Edits: a reader and an auditor may not.
        for user in ["minh", "kiem-toan"] {
            let refused = try w.request("PATCH", "/records/\(aid)", token: w.token(user), headers: ["If-Match": "\"1\""],
                                               json: ["set": ["place": "Lạng Sơn (tỉnh)"], "reason": "thử"])
            #expect(refused.status == 403 && refused.errorCode == "forbidden", "\(refused.text)")
        }
        // Disabled through the CLI while the server runs: refused from the next request.
        #expect(try w.get("/records/\(aid)", as: "lan").status == 200)
        try w.cli(["user", "disable", "lan", "--reason", "nghỉ việc"])
        let disabled = try w.get("/records/\(aid)", as: "lan")
        #expect(disabled.status == 401 && disabled.errorCode == "unauthorized")
        // A reset token replaces the old one at once.
        let old = w.token("minh")
        let reset = try w.request("POST", "/users/minh/reset-token", token: w.token("quan-tri"), json: ["reason": "lộ token"])
        #expect(reset.status == 200)
        let fresh = try #require(reset.json["token"] as? String)
        #expect(try w.request("GET", "/stats", token: old).status == 401)
        #expect(try w.request("GET", "/stats", token: fresh).status == 200)
        // Every user change is an event by the admin who made it.
        let audit = try w.cli(["audit", "--json"])
        #expect(audit.contains("\"actor\":\"quan-tri\"") && audit.contains("UserTokenReset") && audit.contains("UserDisabled"), "\(audit.prefix(600))")
    }

    @Test("limits and errors: 413, malformed JSON, unknown routes, every error a JSON body without internals; one log line per request")
    func limitsAndErrors() throws {
        let w = try ServerWorkspace()
        try w.start(["--max-body", "2048"])
        let big = try w.request("POST", "/records", token: w.token("lan"), body: Data(repeating: 0x20, count: 4096))
        #expect(big.status == 413 && big.errorCode == "too-large", "\(big.status) \(big.text)")
        let malformed = try w.request("POST", "/records", token: w.token("lan"), body: Data("{\"type\": ".utf8))
        #expect(malformed.status == 400 && malformed.errorCode == "malformed-json")
        for path in ["/nope", "/history", "/records/event/none/more"] {
            // Routes the API description cannot describe: checked by hand.
            let missing = try w.probe.request("GET", path, token: w.token("quan-tri"))
            #expect(missing.status == 404 && missing.errorCode != nil, "\(path): \(missing.status) \(missing.text)")
        }
        // Found by the fuzzer: a reason the log refuses is the caller's mistake (400), not the store's.
        let escaped = try w.request("POST", "/users/minh/role", token: w.token("quan-tri"), json: ["role": "editor", "reason": "a\u{1B}[2Jb"])
        #expect(escaped.status == 400 && escaped.text.contains("control characters"), "\(escaped.text)")
        let badTime = try w.get("/records/\(aid)?as-of=yesterday", as: "minh")
        #expect(badTime.status == 400 && badTime.text.contains("is not a time"))
        for response in [big, malformed, badTime] {
            #expect(!response.text.contains(w.store) && !response.text.contains(".swift"), "\(response.text)")
        }
        #expect(w.stop() == 0)
        let lines = w.log().split(separator: "\n").filter { $0.contains("method=") }
        #expect(lines.count >= 6)
        #expect(lines.contains { $0.contains("method=GET") && $0.contains("status=400") && $0.contains("user=minh") && $0.contains("route=/records/**") })
    }

    @Test("a client that stalls mid-body gets 503 after the request timeout and holds no one else up")
    func stalledClient() throws {
        let w = try ServerWorkspace()
        try w.start(["--request-timeout", "1"])
        let probe = w.probe, token = w.token("lan")
        let stalled = Collected<Int>()
        let thread = Thread {
            let answer = try? probe.stalledRequest("POST", "/records", token: token, declared: 400, sent: 20)
            stalled.add(answer?.status ?? 0)
        }
        let start = Date()
        thread.start()
        Thread.sleep(forTimeInterval: 0.2)
        // Meanwhile an edit goes through at once.
        let created = try w.request("POST", "/records", token: token, json: [
            "type": "event", "reason": "song song", "record": ["id": "event/while-stalled", "kind": "meeting", "title": "Họp", "date": "2024"],
        ])
        // Well before the stalled request's 1 s timeout plus slack for a busy machine.
        #expect(created.status == 201 && Date().timeIntervalSince(start) < 3)
        while stalled.all.sorted().isEmpty && Date().timeIntervalSince(start) < 10 { Thread.sleep(forTimeInterval: 0.05) }
        #expect(stalled.all.sorted() == [503], "\(stalled.all.sorted())")
        #expect(Date().timeIntervalSince(start) < 8)
    }

    @Test("two clients correct the same version at once: exactly one wins, the other gets 412")
    func ifMatchRace() throws {
        let w = try ServerWorkspace()
        try w.start()
        for round in 0..<5 {
            let version = try #require(Int((try w.get("/records/\(aid)", as: "lan").headers["etag"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\""))))
            let statuses = Collected<Int>()
            let probe = w.probe, token = w.token("lan"), aid = self.aid
            DispatchQueue.concurrentPerform(iterations: 2) { client in
                let status = (try? probe.request("PATCH", "/records/\(aid)", token: token, headers: ["If-Match": "\"\(version)\""],
                                                   json: ["set": ["quantities[0].value": "\(1_108_800 + round * 2 + client)"], "reason": "đua \(round)"]).status) ?? 0
                statuses.add(status)
            }
            #expect(statuses.all.sorted() == [200, 412], "round \(round): \(statuses.all.sorted())")
        }
        let history = try #require(try w.get("/history/\(aid)", as: "lan").json["edits"] as? [[String: Any]])
        #expect(history.filter { $0["kind"] as? String == "correct" }.count == 5)
    }

    @Test("32 edits at once share commits yet are answered as alone: of 16 on one version one lands and 15 get 412, edits of other records land, refused ones write nothing")
    func editsAtOnce() throws {
        let w = try ServerWorkspace()
        try w.start()
        let token = w.token("lan")
        for index in 0..<12 {
            let created = try w.request("POST", "/records", token: token, json: [
                "type": "event", "reason": "chuẩn bị", "record": ["id": "event/cung-luc-\(index)", "kind": "meeting", "title": "Họp \(index)", "date": "2024"],
            ])
            #expect(created.status == 201)
        }
        let before = try #require(try w.get("/stats", as: "minh").json["events"] as? Int)
        let version = try #require(Int((try w.get("/records/\(aid)", as: "lan").headers["etag"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\""))))
        let answers = Collected<String>()
        let probe = w.probe, aid = self.aid
        // One thread per client: concurrentPerform would run only as many at once as there are cores.
        let finished = DispatchSemaphore(value: 0)
        for client in 0..<32 { Thread { send(client); finished.signal() }.start() }
        for _ in 0..<32 { finished.wait() }
        @Sendable func send(_ client: Int) {
            let (what, method, path, match, json): (String, String, String, String?, [String: Any])
            switch client {
            case ..<16:
                (what, method, path, match) = ("same", "PATCH", "/records/\(aid)", "\"\(version)\"")
                json = ["set": ["quantities[0].value": "\(1_108_000 + client)"], "reason": "cùng lúc \(client)"]
            case ..<24:
                (what, method, path, match) = ("own", "PATCH", "/records/event/cung-luc-\(client - 16)", "\"1\"")
                json = ["set": ["title": "Hội đàm \(client)"], "reason": "cùng lúc"]
            case ..<28:
                (what, method, path, match) = ("typo", "PATCH", "/records/event/cung-luc-\(client - 16)", "\"1\"")
                json = ["set": ["palce": "Hà Nội"], "reason": "cùng lúc"]
            default:
                (what, method, path, match) = ("new", "POST", "/records", nil)
                json = ["type": "event", "reason": "cùng lúc", "record": ["id": "event/moi-\(client)", "kind": "meeting", "title": "Mới", "date": "2024"]]
            }
            let status = (try? probe.request(method, path, token: token, headers: match.map { ["If-Match": $0] } ?? [:], json: json).status) ?? 0
            answers.add("\(what) \(status)")
        }
        let counted = Dictionary(answers.all.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(counted == ["same 200": 1, "same 412": 15, "own 200": 8, "typo 400": 4, "new 201": 4], "\(counted)")
        let after = try #require(try w.get("/stats", as: "minh").json["events"] as? Int)
        #expect(after - before == 13, "the log grew by \(after - before) events for 13 acknowledged edits")
        for index in 8..<12 { #expect(try w.get("/records/event/cung-luc-\(index)", as: "lan").headers["etag"] == "\"1\"") }
        #expect(w.stop() == 0)
        // The server's closing line counts its group commits: some carried several edits.
        let groups = try #require(w.log().split(separator: "\n").last { $0.contains("group commits") }, "\(w.log().suffix(500))")
        let largest = try #require(groups.firstMatch(of: /largest=(\d+)/).flatMap { Int($0.1) }, "\(groups)")
        #expect(largest >= 2, "\(groups)")
        #expect(try w.cli(["verify"]).contains("agree"))
    }

    @Test("SIGTERM stops the server gracefully; every acknowledged edit is in the log")
    func gracefulStop() throws {
        let w = try ServerWorkspace()
        try w.start()
        var acknowledged = 0
        for index in 0..<20 {
            let response = try w.request("POST", "/records", token: w.token("lan"), json: [
                "type": "event", "reason": "nhập", "record": ["id": "event/stop-\(index)", "kind": "meeting", "title": "Họp \(index)", "date": "2024"],
            ])
            if response.status == 201 { acknowledged += 1 }
        }
        #expect(acknowledged == 20)
        #expect(w.stop() == 0)
        let listed = try w.cli(["list", "event", "--year", "2024", "--json"])
        #expect(listed.split(separator: "\n").count == acknowledged)
        #expect(try w.cli(["verify"]).contains("agree"))
    }

    @Test("the page, its files and the API description are the repository's files")
    func assets() throws {
        let w = try ServerWorkspace(seeded: false)
        try w.start()
        let page = try w.probe.request("GET", "/")
        #expect(page.status == 200 && page.headers["content-type"]?.hasPrefix("text/html") == true && page.text.contains("<title>Annals"))
        for (path, file) in [("/app.js", "Sources/AnnalsServer/Browser/app.js"), ("/style.css", "Sources/AnnalsServer/Browser/style.css"),
                             ("/openapi.yaml", "docs/openapi.yaml"), ("/index.html", "Sources/AnnalsServer/Browser/index.html")] {
            let served = try w.probe.request("GET", path)
            let source = try String(contentsOfFile: RepositoryFiles.path(file), encoding: .utf8)
            #expect(served.status == 200 && served.text == source, "\(path) differs from \(file): run tools/embed-browser.sh")
        }
    }
}

/// The response checker finds what it should, so its silence in the other tests means something.
@Suite("The OpenAPI response checker")
struct OpenAPIValidatorTests {
    @Test("a described answer passes; a missing field, a wrong type, an undescribed status or route does not")
    func catches() throws {
        let w = try ServerWorkspace()
        try w.start()
        let validator = try OpenAPIValidator(json: try w.probe.request("GET", "/openapi.json").body)
        let shown = try w.probe.request("GET", "/records/event/lang-son-2021-ngo-aid", token: w.token("minh"))
        let type = shown.headers["content-type"]
        #expect(validator.problems(method: "GET", path: "/records/event/lang-son-2021-ngo-aid", status: 200, contentType: type, body: shown.body).isEmpty)
        var object = shown.json
        object["version"] = nil
        let missing = try JSONSerialization.data(withJSONObject: object)
        #expect(validator.problems(method: "GET", path: "/records/event/x", status: 200, contentType: type, body: missing).first?.contains("version") == true)
        object["version"] = "2"
        let wrongType = try JSONSerialization.data(withJSONObject: object)
        #expect(validator.problems(method: "GET", path: "/records/event/x", status: 200, contentType: type, body: wrongType).first?.contains("not an integer") == true)
        #expect(!validator.problems(method: "GET", path: "/records/event/x", status: 418, contentType: type, body: shown.body).isEmpty)
        #expect(!validator.problems(method: "DELETE", path: "/records/event/x", status: 200, contentType: type, body: shown.body).isEmpty)
        #expect(!validator.problems(method: "GET", path: "/nope", status: 404, contentType: type, body: shown.body).isEmpty)
        // The other tests' answers all went through it.
        _ = try w.get("/stats", as: "minh")
        #expect(w.validated == 1)
    }
}
