import AnnalsApplication
import AnnalsRecords
import AnnalsTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import AnnalsServer

/// The server's routes driven in process (HummingbirdTesting's router client: no socket, no
/// process), over a store in a temporary directory: what each kind of request is answered, fast.
/// The end-to-end tests run the real `annals serve` beside these.
@Suite("The server's routes, in process")
struct RouterTests {
    /// A store with an editor and a reader, and the server's router over it.
    final class Workspace: @unchecked Sendable {
        let directory: TemporaryDirectory
        let path: String
        let editor: String
        let reader: String

        init() throws {
            directory = try TemporaryDirectory()
            path = directory.appending("store")
            let service = try AnnalsService.create(at: path)
            defer { service.close() }
            let context = EditContext(actor: "admin", reason: "test users")
            editor = try service.addUser("bien-tap", role: .editor, context: context).token
            reader = try service.addUser("reader", role: .reader, context: context).token
        }

        /// Runs `body` against the router; the store is closed afterwards.
        func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            let gate = try StoreGate(path: path)
            let (router, checks) = AnnalsServer.makeRouter(gate: gate, configuration: ServerConfiguration(), logger: Logger(label: "test"))
            do {
                try await Application(router: router).test(.router, body)
            } catch {
                await gate.close()
                await checks.shutdown()
                throw error
            }
            await gate.close()
            await checks.shutdown()
        }

        deinit { directory.remove() }
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(String(buffer: buffer).utf8)) as? [String: Any]) ?? [:]
    }

    static let event = #"{"type":"event","reason":"nhập tay","record":{"id":"event/router-test","kind":"meeting","title":"Hội đàm","date":"2021-03-14","place":"Lạng Sơn"}}"#

    @Test("an edit's commit is announced to the live log's waiters at once; a refused edit announces nothing", .timeLimit(.minutes(10)))
    func editsAnnounce() async throws {
        let w = try Workspace()
        let gate = try StoreGate(path: w.path)
        let news = gate.news
        let seen = news.announced
        // A subscriber caught up, with an hour before it would look again: only the announcement wakes it.
        let subscriber = Task { await news.wait(after: seen, atMost: .seconds(3600)) }
        while news.waiting != 1 { try await Task.sleep(for: .milliseconds(1)) }
        let context = EditContext(actor: "bien-tap", reason: "tin mới")
        let record = Record.diplomacyEvent(DiplomacyEvent(id: try RecordID("event/announced"), kind: try EventKind("meeting"),
                                                          title: "Hội đàm", date: try RecordDate("2021")))
        do {
            try await gate.edit { service in _ = try service.create(record, context: context) }
            #expect(await subscriber.value)
            #expect(news.announced == seen + 1 && news.waiting == 0)
            await #expect(throws: (any Error).self) { try await gate.edit { service in _ = try service.create(record, context: context) } }
            #expect(news.announced == seen + 1)
        } catch {
            await gate.close()
            throw error
        }
        await gate.close()
    }

    @Test("an unknown route is 404 and a known one asked with another method 405 with Allow, both as JSON errors")
    func unknownRoutes() async throws {
        let w = try Workspace()
        try await w.test { client in
            try await client.execute(uri: "/no-such-route", method: .get) { response in
                #expect(response.status == .notFound)
                #expect((Self.json(response.body)["error"] as? [String: Any])?["code"] as? String == "not-found")
            }
            try await client.execute(uri: "/health", method: .delete) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow]?.contains("GET") == true)
            }
        }
    }

    @Test("without a token 401, with a reader's token an edit is 403, and nothing is written")
    func authentication() async throws {
        let w = try Workspace()
        try await w.test { client in
            try await client.execute(uri: "/records", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: Self.event)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/records", method: .post, headers: Self.bearer(w.reader), body: ByteBuffer(string: Self.event)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/records/event/router-test", method: .get, headers: Self.bearer(w.reader)) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("an editor creates and corrects a record: the actor is the signed-in user, a stale If-Match is 412 naming the version")
    func editsCarryTheUser() async throws {
        let w = try Workspace()
        try await w.test { client in
            try await client.execute(uri: "/records", method: .post, headers: Self.bearer(w.editor), body: ByteBuffer(string: Self.event)) { response in
                #expect(response.status == .created)
                #expect(response.headers[.eTag] == "\"1\"")
            }
            let correction = ByteBuffer(string: #"{"set":{"place":"Cao Bằng"},"reason":"sửa địa điểm"}"#)
            var stale = Self.bearer(w.editor)
            stale[.ifMatch] = "\"7\""
            try await client.execute(uri: "/records/event/router-test", method: .patch, headers: stale, body: correction) { response in
                #expect(response.status == .preconditionFailed)
                #expect(response.headers[.eTag] == "\"1\"")
            }
            var current = Self.bearer(w.editor)
            current[.ifMatch] = "\"1\""
            try await client.execute(uri: "/records/event/router-test", method: .patch, headers: current, body: correction) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/records/event/router-test", method: .get, headers: Self.bearer(w.reader)) { response in
                let record = Self.json(response.body)
                #expect(response.status == .ok && response.headers[.eTag] == "\"2\"")
                #expect((record["record"] as? [String: Any])?["place"] as? String == "Cao Bằng")
                #expect(record["changedBy"] as? String == "bien-tap" && record["createdBy"] as? String == "bien-tap")
            }
        }
    }
}
