import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

/// `GET /log`: every event exactly once, in order, across a forced reconnect.
@Suite("The live log subscription", .onOwnThreads, .serialized)
struct LogStreamTests {
    @Test("the stream delivers every event once, in order, as it commits, and resumes after Last-Event-ID")
    func resume() throws {
        let w = try ServerWorkspace()
        try w.start()
        let head = try #require(Int(try w.get("/stats", as: "minh").json["events"] as? Int ?? -1))
        #expect(head > 10)
        var seen: [Int] = []
        // First connection: read what is there, then drop it mid-stream.
        try w.probe.events("/log?from=1", token: w.token("kiem-toan")) { id, data in
            seen.append(Int(id ?? "") ?? -1)
            #expect(data.hasPrefix("{") && data.contains("\"hash\""))
            return seen.count < 7
        }
        #expect(seen == Array(1...7))
        // Meanwhile, edits land.
        for index in 0..<12 {
            let created = try w.request("POST", "/records", token: w.token("lan"), json: [
                "type": "event", "reason": "luồng", "record": ["id": "event/stream-\(index)", "kind": "meeting", "title": "Tin \(index)", "date": "2024"],
            ])
            #expect(created.status == 201)
        }
        let total = head + 12
        // Reconnect after the last id seen; edits made while reading arrive too.
        let probe = w.probe, token = w.token("lan")
        let writer = Thread {
            Thread.sleep(forTimeInterval: 0.3)
            _ = try? probe.request("POST", "/records", token: token, json: [
                "type": "event", "reason": "muộn", "record": ["id": "event/stream-late", "kind": "meeting", "title": "Tin muộn", "date": "2024"],
            ])
        }
        writer.start()
        try w.probe.events("/log", token: w.token("kiem-toan"), headers: ["Last-Event-ID": "7"]) { id, _ in
            seen.append(Int(id ?? "") ?? -1)
            return seen.count < total + 1
        }
        #expect(seen == Array(1...(total + 1)), "\(seen.suffix(5))")
        #expect(try w.probe.events("/log", token: w.token("lan")) { _, _ in false } == 403)
    }
}
