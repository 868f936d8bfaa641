import AnnalsApplication
import AnnalsCore
import Hummingbird

/// What admins do: manage users (each change an event in the log, by the admin), verify and
/// rebuild.
struct AdminRoutes {
    let gate: StoreGate
    let configuration: ServerConfiguration

    func register(admins: RouterGroup<APIContext>) {
        admins.get("/users") { _, _ in try JSONResponse.make(UserList(users: try await gate.run { try $0.users().map(UserView.init) })) }
        admins.post("/users") { request, context in try await addUser(request, context) }
        admins.post("/users/:name/role") { request, context in try await changeUser(request, context, action: "role") }
        admins.post("/users/:name/disable") { request, context in try await changeUser(request, context, action: "disable") }
        admins.post("/users/:name/enable") { request, context in try await changeUser(request, context, action: "enable") }
        admins.post("/users/:name/reset-token") { request, context in try await changeUser(request, context, action: "reset-token") }
        admins.post("/verify") { request, _ in
            let asked = try await Self.verifyRequest(try await RequestBody.optionalJSON(request, configuration, fields: ["checkpoints", "trustedKey", "requireCovered"]))
            let verdict = try await gate.run { try $0.verify(asked) }
            // The verdict of annals verify: 200 when all agrees, else the status of its failure.
            let status: HTTPResponse.Status = verdict.failure.map { $0.kind == .unavailable ? .serviceUnavailable : .conflict } ?? .ok
            return try JSONResponse.make(verdict, status: status)
        }
        admins.post("/rebuild") { _, _ in try JSONResponse.make(try await gate.run { try $0.rebuild(wait: false) }) }
    }

    /// `POST /users` `{"name": "lan", "role": "editor", "reason": …}` → 201 with the token, shown once.
    func addUser(_ request: Request, _ context: APIContext) async throws -> Response {
        let body = try await RequestBody.json(request, configuration, fields: ["name", "role", "reason"])
        let edit = try context.editContext(body)
        guard let name = body["name"]?.stringValue else { throw APIError.badRequest("give the user's \"name\"") }
        let role = try Self.role(body)
        let (account, token) = try await gate.write { try $0.addUser(name, role: role, context: edit) }
        return try JSONResponse.make(NewToken(user: UserView(account), token: token), status: .created)
    }

    func changeUser(_ request: Request, _ context: APIContext, action: String) async throws -> Response {
        let name = try context.parameters.require("name")
        let body = try await RequestBody.json(request, configuration, fields: action == "role" ? ["role", "reason"] : ["reason"])
        let edit = try context.editContext(body)
        // An admin cannot lock themselves out over the API (the CLI on the server's machine can).
        if name == context.user?.name, action != "enable" {
            throw APIError(.conflict, "self", "an admin cannot \(action == "role" ? "change the role of" : action) their own account over the API; ask another admin, or use annals user on the server's machine")
        }
        // A name that is not a user's is 404, as an unknown record is (the store's state, not the request).
        guard try await gate.run({ try $0.user(named: name) }) != nil else {
            throw APIError.notFound("no user \(name); see GET /users")
        }
        switch action {
        case "role":
            let role = try Self.role(body)
            return try JSONResponse.make(UserView(try await gate.write { try $0.setRole(of: name, to: role, context: edit) }))
        case "reset-token":
            let (account, token) = try await gate.write { try $0.resetToken(of: name, context: edit) }
            return try JSONResponse.make(NewToken(user: UserView(account), token: token))
        default:
            let disable = action == "disable"
            return try JSONResponse.make(UserView(try await gate.write { try $0.setDisabled(name, disable, context: edit) }))
        }
    }

    /// `{"checkpoints": [statement, …], "trustedKey": "base64", "requireCovered": true}`, each part
    /// optional: the statements as `annals checkpoint` writes them, one object each.
    static func verifyRequest(_ body: JSONValue?) throws -> VerifyRequest {
        guard let body else { return VerifyRequest() }
        var checkpoints: [(file: String, checkpoint: Checkpoint)] = []
        if let given = body["checkpoints"] {
            guard case .array(let statements) = given else { throw APIError.badRequest("\"checkpoints\" must be an array of statements written by annals checkpoint") }
            for (index, statement) in statements.enumerated() {
                let name = "checkpoints[\(index)]"
                checkpoints += try Checkpoint.read(String(decoding: statement.canonicalBytes, as: UTF8.self), file: name).map { (name, $0) }
            }
        }
        let trustedKey = body["trustedKey"]?.stringValue
        if body["trustedKey"] != nil && trustedKey == nil { throw APIError.badRequest("\"trustedKey\" must be the base64 public key the checkpoints are signed with") }
        if body["checkpoints"] != nil && trustedKey == nil {
            throw APIError.badRequest("give \"trustedKey\", the base64 public key the checkpoints must be signed with")
        }
        var requireCovered = false
        if let flag = body["requireCovered"] {
            guard case .bool(let value) = flag else { throw APIError.badRequest("\"requireCovered\" must be true or false") }
            requireCovered = value
        }
        return VerifyRequest(checkpoints: checkpoints, trustedKey: trustedKey, requireCovered: requireCovered)
    }

    static func role(_ body: JSONValue) throws -> Role {
        guard let text = body["role"]?.stringValue, let role = Role(rawValue: text) else {
            throw APIError.badRequest("give \"role\": one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return role
    }
}

/// A user as the API shows it (never the token hash).
struct UserView: Encodable, Sendable {
    let name: String
    let role: String
    let disabled: Bool
    let addedAt: String
    let addedBy: String

    init(_ account: UserAccount) {
        name = account.name
        role = account.role.rawValue
        disabled = account.disabled
        addedAt = account.addedAt.description
        addedBy = account.addedBy
    }
}

struct UserList: Encodable, Sendable { let users: [UserView] }
struct NewToken: Encodable, Sendable {
    let user: UserView
    /// Shown once: only a bcrypt hash of it is kept.
    let token: String
}
