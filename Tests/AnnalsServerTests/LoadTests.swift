import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

/// A bounded load from a second process (annals-testhelper load): 8 clients, each its own editor,
/// reading and then editing. Afterwards every acknowledged edit is in the log once, and every
/// edit's actor is the user whose token made it. `tools/load.sh` runs it for 30 s each on a
/// release build and prints the figures.
@Suite("annals serve under load", .onOwnThreads, .serialized)
struct LoadTests {
    @Test("8 clients reading then editing for 4 s each: no failure, no lost or duplicated edit, every actor the authenticated user")
    func load() throws {
        let w = try ServerWorkspace()
        let users = (1...8).map { "bien-tap-\($0)" }
        let tokens = try users.map { try w.addUser($0, role: "editor") }
        try w.start()
        let before = try #require(try w.get("/stats", as: "minh").json["events"] as? Int)
        func load(_ mode: String) throws -> [String: Any] {
            let result = try BuiltProgram("AnnalsTestHelper").run(["load", String(w.probe.port), mode, "4"] + tokens)
            #expect(result.status == 0, "\(result.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            print("load \(mode): \(result.stdout.prefix(400))")
            return summary
        }
        let reads = try load("read")
        #expect(reads["failures"] as? Int == 0 && (reads["requests"] as? Int ?? 0) > 100, "\(reads)")
        let edits = try load("edit")
        #expect(edits["failures"] as? Int == 0, "\(edits)")
        let records = try #require(edits["records"] as? [String: Int])
        #expect(records.count == 8 && records.values.allSatisfy { $0 > 5 }, "\(records)")
        var total = 0
        for (id, acknowledged) in records {
            // The client number is in the id: event/load-CLIENT-RUN.
            let client = try #require(Int(id.split(separator: "-")[1]))
            let history = try #require(try w.get("/history/\(id)", as: "kiem-toan").json["edits"] as? [[String: Any]])
            #expect(history.count == acknowledged + 1, "\(id): \(history.count) versions for \(acknowledged) acknowledged corrections")
            #expect(Set(history.map { $0["actor"] as? String ?? "" }) == [users[client]], "\(id)")
            #expect(history.map { $0["version"] as? Int ?? 0 } == Array(1...(acknowledged + 1)))
            total += acknowledged + 1
        }
        let after = try #require(try w.get("/stats", as: "minh").json["events"] as? Int)
        #expect(after - before == total, "the log grew by \(after - before) events for \(total) acknowledged edits")
        #expect(w.stop() == 0)
        #expect(try w.cli(["verify"]).contains("agree"))
    }
}
