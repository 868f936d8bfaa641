import AnnalsTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import AnnalsServer

/// The server's routes run in this process over a `ServerWorkspace`'s store, through
/// HummingbirdTesting's router client (no socket, no process), with the workspace's users: the
/// route tests' way in. Each answer is checked against the API description, as the workspace's
/// `request` checks the live server's.
final class InProcessAPI: @unchecked Sendable {
    private let client: any TestClientProtocol
    private let tokens: [String: String]
    private var validator: OpenAPIValidator?
    /// Responses checked against the API description.
    private(set) var validated = 0

    private init(client: any TestClientProtocol, tokens: [String: String]) {
        self.client = client
        self.tokens = tokens
    }

    /// Runs `body` against the routes over the store at `path`, as `annals serve` with the default
    /// configuration would answer; the store is closed afterwards.
    static func run(store path: String, tokens: [String: String], _ body: @escaping @Sendable (InProcessAPI) async throws -> Void) async throws {
        let gate = try StoreGate(path: path)
        let (router, checks) = AnnalsServer.makeRouter(gate: gate, configuration: ServerConfiguration(), logger: Logger(label: "test"))
        let result: Result<Void, any Error>
        do {
            try await Application(router: router).test(.router) { client in try await body(InProcessAPI(client: client, tokens: tokens)) }
            result = .success(())
        } catch {
            result = .failure(error)
        }
        await gate.close()
        await checks.shutdown()
        try result.get()
    }

    func token(_ name: String) -> String { tokens[name] ?? "" }

    /// Sends a request (a JSON body from `json`) and returns the answer as the live tests' probe
    /// does; a mismatch with the API description is an issue.
    func request(_ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:], json: Any? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) async throws -> HTTPProbe.Response {
        var fields = HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            fields[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        }
        for (name, value) in headers { if let field = HTTPField.Name(name) { fields[field] = value } }
        let response = try await client.executeRequest(uri: path, method: HTTPRequest.Method(rawValue: method) ?? .get, headers: fields, body: body)
        var answer: [String: String] = [:]
        for field in response.headers { answer[field.name.canonicalName] = field.value }
        let result = HTTPProbe.Response(status: response.status.code, headers: answer, body: Data(response.body.readableBytesView))
        if validator == nil {
            let description = try await client.executeRequest(uri: "/openapi.json", method: .get, headers: [:], body: nil)
            validator = try OpenAPIValidator(json: Data(description.body.readableBytesView))
        }
        validator?.check(method: method, path: path, result, sourceLocation: sourceLocation)
        validated += 1
        return result
    }

    func get(_ path: String, as user: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> HTTPProbe.Response {
        try await request("GET", path, token: token(user), sourceLocation: sourceLocation)
    }
}

extension ServerWorkspace {
    /// Runs `body` with the routes in this process over this workspace's store and users.
    func inProcess(_ body: @escaping @Sendable (InProcessAPI) async throws -> Void) async throws {
        try await InProcessAPI.run(store: store, tokens: tokens, body)
    }
}
