import AnnalsApplication
import Crypto
import Foundation
import Hummingbird

/// Proves who is calling: `Authorization: Bearer TOKEN`, checked against the user's bcrypt hash in
/// the log (the first time a token is seen; then a SHA-256 of it is remembered). The user's
/// current state is read on every request, so a disabled user or a reset token is refused at
/// once. Failed attempts are slowed per client: each one in the last minute doubles the delay
/// before the answer (100 ms, 200 ms, … at most `ServerConfiguration.maxLoginDelayMilliseconds`).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let gate: StoreGate
    let proven: ProvenTokens
    let failures: FailedLogins

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            throw APIError.unauthorized("give Authorization: Bearer TOKEN (annals user add NAME --role ROLE prints one)")
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        guard let account = try await account(for: token) else {
            let delay = await failures.record(context.client)
            try await Task.sleep(for: .milliseconds(delay))
            throw APIError.unauthorized("the token is not valid, or its user is disabled")
        }
        var context = context
        context.user = account
        context.identity.withLockedValue { $0 = account.name }
        return try await next(request, context)
    }

    private func account(for token: String) async throws -> UserAccount? {
        guard let dot = token.lastIndex(of: "."), token.utf8.count <= 200 else { return nil }
        let name = String(token[..<dot])
        guard let account = try await gate.run({ try $0.user(named: name) }), !account.disabled else { return nil }
        let digest = Data(SHA256.hash(data: Data(token.utf8)))
        if await proven.contains(digest, hash: account.tokenHash) { return account }
        // bcrypt, outside the gate: it takes tens of milliseconds and needs nothing of the store.
        guard account.accepts(token: token) else { return nil }
        await proven.insert(digest, hash: account.tokenHash)
        return account
    }
}

/// Tokens already proven by bcrypt, by SHA-256 digest, with the hash they matched: a reset token
/// changes the hash, so the old digest no longer counts.
actor ProvenTokens {
    private var proven: [Data: String] = [:]

    func contains(_ digest: Data, hash: String) -> Bool { proven[digest] == hash }

    func insert(_ digest: Data, hash: String) {
        if proven.count > 10_000 { proven.removeAll() }
        proven[digest] = hash
    }
}

/// Failed logins per client in the last minute, and the delay the next failure waits.
actor FailedLogins {
    private var failures: [String: [Date]] = [:]
    /// The longest wait, in milliseconds; 0 answers at once.
    let maximum: Int

    init(maximum: Int) { self.maximum = maximum }

    /// Records a failure; returns the delay in milliseconds before answering it.
    func record(_ client: String) -> Int {
        let now = Date()
        var recent = (failures[client] ?? []).filter { now.timeIntervalSince($0) < 60 }
        recent.append(now)
        failures[client] = recent
        if failures.count > 10_000 { failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < 60 } } }
        return min(maximum, 100 << min(recent.count - 1, 6))
    }
}

/// Lets a route through only for users whose role has the permission.
struct RequirePermission: RouterMiddleware {
    typealias Context = APIContext
    let permission: Permission

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let user = context.user else { throw APIError.unauthorized("give Authorization: Bearer TOKEN") }
        guard user.role.permissions.contains(permission) else {
            throw APIError.forbidden("\(user.name) has the \(user.role.rawValue) role, which lacks the \(permission.rawValue) permission this needs")
        }
        return try await next(request, context)
    }
}
