import AnnalsTesting
import Foundation
import Testing

/// The API's flows over a store with the seed's facts and four users, driven in process
/// (`InProcessAPI`): reading, editing on both time axes, aggregates and the admin routes. The
/// live server's own behaviour (sockets, limits, timeouts, a graceful stop) stays in `ServerTests`.
@Suite("The API's flows, in process")
struct APIFlowTests {
    let aid = "event/lang-son-2021-ngo-aid"

    @Test("records: read with ETag and the past, list, search without diacritics, create, correct with If-Match, retract, restore, link")
    func records() async throws {
        let w = try ServerWorkspace()
        try await w.inProcess { api in
            let editor = api.token("lan")
            let shown = try await api.get("/records/\(aid)", as: "minh")
            #expect(shown.status == 200 && shown.headers["etag"] == "\"2\"", "\(shown.headers)")
            #expect(((shown.json["record"] as? [String: Any])?["quantities"] as? [[String: Any]])?.first?["value"] as? String == "1108742")
            #expect(try await api.get("/records/event/none", as: "minh").status == 404)
            let events = try await api.get("/records?type=event&year=2021&kind=aid-received", as: "minh")
            #expect((events.json["records"] as? [Any])?.count == 3, "\(events.text.prefix(300))")
            let found = try await api.get("/search?q=hoi+nghi+ngoai+giao", as: "minh")
            #expect((found.json["records"] as? [[String: Any]])?.contains { $0["id"] as? String == "article/baolangson.vn/476767" } == true)

            // Create: 201, the actor is the token's user.
            let created = try await api.request("POST", "/records", token: editor, json: [
                "type": "event", "reason": "họp báo",
                "record": ["id": "event/2023-03-14-border-talks", "kind": "meeting", "title": "Hội đàm biên giới", "date": "2023-03-14"],
            ])
            #expect(created.status == 201 && created.headers["location"] == "/records/event/2023-03-14-border-talks", "\(created.text)")
            let spoofed = try await api.request("POST", "/records", token: editor, json: [
                "type": "event", "actor": "someone-else", "record": ["id": "event/x", "kind": "meeting", "title": "X", "date": "2023"],
            ])
            #expect(spoofed.status == 400 && spoofed.text.contains("authenticated user"))

            // Correct: If-Match required (428), stale (412 with the current version), right (200).
            let body: [String: Any] = ["set": ["quantities[0].value": "1108745"], "reason": "Báo cáo quyết toán", "effective": "2022-03-15"]
            #expect(try await api.request("PATCH", "/records/\(aid)", token: editor, json: body).status == 428)
            let stale = try await api.request("PATCH", "/records/\(aid)", token: editor, headers: ["If-Match": "\"1\""], json: body)
            #expect(stale.status == 412 && stale.headers["etag"] == "\"2\"" && (stale.json["error"] as? [String: Any])?["currentVersion"] as? Int == 2)
            let corrected = try await api.request("PATCH", "/records/\(aid)", token: editor, headers: ["If-Match": "\"2\""], json: body)
            #expect(corrected.status == 200 && corrected.headers["etag"] == "\"3\"", "\(corrected.text)")
            // Both time axes.
            #expect(try await api.get("/records/\(aid)?effective=2022-03-01", as: "minh").text.contains("1108742"))
            #expect(try await api.get("/records/\(aid)?effective=2022-04-01", as: "minh").text.contains("1108745"))
            #expect(try await api.get("/records/\(aid)?at=1", as: "minh").status == 404)
            let invalid = try await api.request("PATCH", "/records/\(aid)", token: editor, headers: ["If-Match": "\"3\""], json: ["set": ["palce": "x"], "reason": "thử"])
            #expect(invalid.status == 400 && invalid.text.contains("did you mean"), "\(invalid.text)")

            // Retract and restore with If-Match; link and unlink.
            let retracted = try await api.request("POST", "/retract/\(aid)", token: editor, headers: ["If-Match": "\"3\""], json: ["reason": "trùng"])
            #expect(retracted.status == 200 && retracted.headers["etag"] == "\"4\"")
            #expect(try await api.request("POST", "/retract/\(aid)", token: editor, headers: ["If-Match": "\"4\""], json: ["reason": "lại"]).status == 409)
            #expect(try await api.request("POST", "/restore/\(aid)", token: editor, headers: ["If-Match": "\"4\""], json: ["reason": "nhầm"]).status == 200)
            let link = ["article": "article/baolangson.vn/476767", "event": "event/2023-03-14-border-talks", "reason": "cùng bài"]
            #expect(try await api.request("POST", "/links", token: editor, json: link).status == 200)
            #expect(try await api.request("POST", "/unlinks", token: editor, json: link).status == 200)

            // History, blame and audit name the authenticated user.
            let history = try await api.get("/history/\(aid)", as: "lan")
            let edits = try #require(history.json["edits"] as? [[String: Any]])
            #expect(edits.map { $0["kind"] as? String } == ["create", "link", "correct", "retract", "restore"])
            #expect(edits[2]["actor"] as? String == "lan" && edits[2]["effectiveAt"] as? String == "2022-03-15T00:00:00.000000Z")
            let blame = try await api.get("/blame/\(aid)", as: "kiem-toan")
            #expect((blame.json["fields"] as? [[String: Any]])?.contains { $0["field"] as? String == "quantities" && $0["actor"] as? String == "lan" } == true)
            let audit = try await api.get("/audit?actor=lan", as: "kiem-toan")
            // create, correct, retract, restore, and a link and an unlink on both records' streams.
            #expect((audit.json["edits"] as? [[String: Any]])?.count == 8, "\(audit.text.prefix(400))")
            #expect(api.validated >= 21, "only \(api.validated) answers were checked")
        }
        #expect(try w.cli(["verify"]).contains("agree"))
    }

    @Test("aggregates on both axes and their change between two times; stats; verify and rebuild for admins")
    func aggregatesAndAdmin() async throws {
        let w = try ServerWorkspace()
        try await w.inProcess { api in
            let rows = try #require(try await api.get("/aggregates?metric=ngo-aid", as: "minh").json["rows"] as? [[String: Any]])
            #expect(rows.map { "\($0["year"] ?? "") \($0["sum"] ?? "")" } == ["2020 115913", "2021 1108742"])
            let changed = try await api.request("PATCH", "/records/\(aid)", token: api.token("lan"), headers: ["If-Match": "\"2\""],
                                              json: ["set": ["quantities[0].value": "1108745"], "reason": "quyết toán", "effective": "2022-03-15"])
            #expect(changed.status == 200)
            let before = try #require(try await api.get("/aggregates?metric=ngo-aid&year=2021&effective=2022-03-01", as: "minh").json["rows"] as? [[String: Any]])
            #expect(before.first?["sum"] as? String == "1108742")
            let diff = try #require(try await api.get("/aggregates?metric=ngo-aid&from=2022-03-01&to=2022-04-01&axis=effective", as: "minh").json["changes"] as? [[String: Any]])
            #expect(diff.count == 1 && (diff.first?["after"] as? [String: Any])?["sum"] as? String == "1108745")
            #expect(try await api.get("/aggregates?family=edits&effective=2022-01-01", as: "minh").status == 400)
            #expect(try await api.get("/stats", as: "minh").json["events"] as? Int ?? 0 > 10)
            let verified = try await api.request("POST", "/verify", token: api.token("quan-tri"))
            #expect(verified.status == 200 && verified.json["ok"] as? Bool == true, "\(verified.text)")
            #expect(try await api.request("POST", "/rebuild", token: api.token("quan-tri")).status == 200)
            #expect(try await api.request("POST", "/rebuild", token: api.token("kiem-toan")).status == 403)
            // Users added over the API work at once.
            let added = try await api.request("POST", "/users", token: api.token("quan-tri"), json: ["name": "hoa", "role": "reader", "reason": "phóng viên mới"])
            #expect(added.status == 201)
            #expect(try await api.request("GET", "/stats", token: try #require(added.json["token"] as? String)).status == 200)
            #expect(try await api.request("POST", "/users", token: api.token("quan-tri"), json: ["name": "hoa", "role": "reader"]).status == 409)
            #expect(api.validated >= 12, "only \(api.validated) answers were checked")
        }
    }
}
