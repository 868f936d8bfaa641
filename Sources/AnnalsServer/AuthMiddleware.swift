import AnnalsApplication
import Crypto
import Foundation
import Hummingbird

/// Proves who is calling: `Authorization: Bearer NAME.SECRET`, checked against the user's bcrypt
/// hash (the first time a token is seen; then a SHA-256 of it is remembered). The user's current
/// state is read on every request, so a disabled user or a reset token is refused at once.
///
/// A bcrypt check is the expensive part, so before one runs:
/// - attempts are throttled per client address and per user name (`LoginThrottle`: 429 with
///   Retry-After past the limit, no check run);
/// - checks run on threads of their own, a bounded number at once (`TokenChecks`: 503 when too
///   many wait), so signed-in users keep being served during a flood of wrong tokens;
/// - a name with no account costs one check against a hash that matches nothing, as a known
///   name does, so the time of a refusal does not tell which names exist.
/// Each failure from a client in the last minute doubles the delay before its answer (100 ms,
/// 200 ms, … at most `ServerConfiguration.maxLoginDelayMilliseconds`).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let gate: StoreGate
    let proven: ProvenTokens
    let throttle: LoginThrottle
    let checks: TokenChecks

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count > 7 else {
            throw APIError.unauthorized("give Authorization: Bearer TOKEN (annals user add NAME --role ROLE prints one)")
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        guard let account = try await account(for: token, client: context.client) else {
            let delay = await throttle.failed(client: context.client)
            try await Task.sleep(for: .milliseconds(delay))
            throw APIError.unauthorized("the token is not valid, or its user is disabled")
        }
        var context = context
        context.user = account
        context.identity.withLockedValue { $0 = account.name }
        return try await next(request, context)
    }

    private func account(for token: String, client: String) async throws -> UserAccount? {
        guard let dot = token.lastIndex(of: "."), dot != token.startIndex, token.utf8.count <= 200 else { return nil }
        let name = String(token[..<dot])
        let account = try await gate.run { try $0.user(named: name) }
        let digest = Data(SHA256.hash(data: Data(token.utf8)))
        if let account, !account.disabled, await proven.contains(digest, hash: account.tokenHash) { return account }
        if let seconds = await throttle.admit(client: client, name: name) {
            var refusal = APIError(.tooManyRequests, "too-many-attempts",
                                   "too many sign-in attempts from this address or for this user in the last minute; retry in \(seconds) s")
            refusal.headers[.retryAfter] = String(seconds)
            throw refusal
        }
        // One bcrypt check, real or against a hash that matches nothing: the same cost either way.
        guard let accepted = try await checks.run({ TokenCheck.run(token, against: account) }) else {
            var busy = APIError(.serviceUnavailable, "busy", "too many sign-ins are being checked at once; retry in a second")
            busy.headers[.retryAfter] = "1"
            throw busy
        }
        guard accepted, let account, !account.disabled else { return nil }
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

/// Sign-in attempts in the last minute that reached a token check, per client address and per
/// user name, and failed ones per client (for the delay before a refusal).
actor LoginThrottle {
    /// Attempts allowed per address, and per name, in any minute.
    let perMinute: Int
    /// The longest wait before a refusal, in milliseconds; 0 answers at once.
    let maximumDelay: Int
    private var attempts: [String: [Date]] = [:]
    private var failures: [String: [Date]] = [:]

    init(perMinute: Int, maximumDelay: Int) {
        self.perMinute = perMinute
        self.maximumDelay = maximumDelay
    }

    /// Records an attempt by `client` for `name` and returns nil, or, when either made
    /// `perMinute` attempts in the last minute already, records nothing and returns the seconds
    /// until one of them is a minute old.
    func admit(client: String, name: String) -> Int? {
        let now = Date()
        let keys = ["address " + client, "name " + name]
        var wait = 0
        for key in keys {
            let recent = Self.lastMinute(attempts[key], now)
            attempts[key] = recent
            if recent.count >= perMinute, let oldest = recent.first { wait = max(wait, Int((60 - now.timeIntervalSince(oldest)).rounded(.up))) }
        }
        if wait > 0 { return max(1, wait) }
        for key in keys { attempts[key, default: []].append(now) }
        if attempts.count > 20_000 { attempts = attempts.filter { !Self.lastMinute($0.value, now).isEmpty } }
        return nil
    }

    /// Records a failure by `client`; returns the delay in milliseconds before answering it.
    func failed(client: String) -> Int {
        let now = Date()
        var recent = Self.lastMinute(failures[client], now)
        recent.append(now)
        failures[client] = recent
        if failures.count > 10_000 { failures = failures.filter { !Self.lastMinute($0.value, now).isEmpty } }
        return min(maximumDelay, 100 << min(recent.count - 1, 6))
    }

    private static func lastMinute(_ dates: [Date]?, _ now: Date) -> [Date] {
        (dates ?? []).filter { now.timeIntervalSince($0) < 60 }
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
