public import AnnalsCore
public import AnnalsRecords
import AnnalsLMDBLog
import AnnalsPostgres
import Foundation
import HummingbirdBcrypt

/// What a user of the server may do. Each role is a set of permissions; see `Role.permissions`.
public enum Role: String, Sendable, CaseIterable, Codable {
    case reader, editor, auditor, admin

    /// readers read records and aggregates; editors also edit, and read a record's history and
    /// blame; auditors read everything, every user's edits included (history, blame, audit), but
    /// do not edit; admins may do all of it and manage users, rebuild, verify and checkpoint.
    public var permissions: Set<Permission> {
        switch self {
        case .reader: return [.read]
        case .editor: return [.read, .edit, .history]
        case .auditor: return [.read, .history, .audit]
        case .admin: return Set(Permission.allCases)
        }
    }
}

/// One thing a role may do.
public enum Permission: String, Sendable, CaseIterable {
    case read, edit, history, audit, admin
}

/// A user of the server, as its events in the log leave it.
public struct UserAccount: Sendable, Equatable {
    public let name: String
    public let role: Role
    public let disabled: Bool
    /// The bcrypt hash of the token's secret part; it changes when the token is reset. Kept
    /// outside the log (see `UserEvents`); empty when the store holds none for this user.
    public let tokenHash: String
    public let addedAt: Timestamp
    public let addedBy: String
    /// The version of the user's stream: the expected version of the next change.
    public let version: UInt64

    /// Whether `token` (`NAME.SECRET`) is this user's current token: one bcrypt check, tens of
    /// milliseconds, needing nothing of the store.
    public func accepts(token: String) -> Bool {
        guard let dot = token.lastIndex(of: "."), token[..<dot] == name[...] else { return false }
        return Bcrypt.verify(String(token[token.index(after: dot)...]), hash: tokenHash)
    }
}

/// Proving a token: one bcrypt check whatever the name, so how long a refusal takes says nothing
/// of whether the user exists.
public enum TokenCheck {
    /// A hash of a random secret nobody holds, at the users' cost: checked for a name with no
    /// account (or a disabled one), it takes as long as a real check and matches nothing.
    private static let unmatchable: String = {
        var generator = SystemRandomNumberGenerator()
        return Bcrypt.hash((0..<4).map { _ in String(generator.next(), radix: 36) }.joined(), cost: UserEvents.bcryptCost)
    }()

    /// Whether `token` is `account`'s current token; with no account (or a disabled one), one
    /// bcrypt check against a hash that matches nothing, and false.
    public static func run(_ token: String, against account: UserAccount?) -> Bool {
        guard let account, !account.disabled, !account.tokenHash.isEmpty else {
            let secret = token.lastIndex(of: ".").map { String(token[token.index(after: $0)...]) } ?? token
            _ = Bcrypt.verify(secret, hash: unmatchable)
            return false
        }
        return account.accepts(token: token)
    }

    /// Computes the unmatchable hash now (a server does it once at start, not on a first sign-in).
    public static func prepare() { _ = unmatchable }
}

/// Users live in the log, one stream each (`user/NAME`): `UserAdded` (name and role),
/// `UserRoleChanged`, `UserDisabled`, `UserEnabled` and `UserTokenReset` events, appended with the
/// acting admin as the actor, so `audit` shows who granted what and when. The events record the
/// grant, never a secret: the token (`NAME.SECRET`, 256 random bits) is shown once, and only a
/// bcrypt hash (cost 10) of its secret is kept, outside the log: in the store for a store with a
/// log of its own (backups carry it, exports do not), in the shared database for a shared log,
/// with a copy on each follower so sign-in works while that database cannot be reached. Events
/// written before this carried the hash in their payload; it is read from there when the store
/// keeps none.
public enum UserEvents {
    static let bcryptCost: UInt8 = 10

    /// User names: 1 to 64 of `a-z 0-9 . _ -`, starting with a letter or digit.
    static func checkName(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
        guard (1...64).contains(name.utf8.count), allowed, let first = name.utf8.first, first != 0x2E, first != 0x5F, first != 0x2D else {
            throw ApplicationError("invalid user name \"\(name)\": use 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit")
        }
    }

    static func stream(_ name: String) throws -> StreamID { try StreamID("user/\(name)") }

    /// A new token for `name` and the hash to store.
    static func newToken(for name: String) -> (token: String, hash: String) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return ("\(name).\(secret)", Bcrypt.hash(secret, cost: bcryptCost))
    }

    /// The user's state from its stream, with the token hash its events carry (only events
    /// written before hashes moved out of the log do) unless `hash` is given; nil when it has no events.
    static func fold(_ events: [RecordedEvent], hash stored: ((UserAccount) throws -> String?)? = nil) throws -> UserAccount? {
        guard let first = events.first, first.type == "UserAdded" else { return nil }
        var role = Role.reader, disabled = false, hash = "", name = ""
        for event in events {
            let payload = try JSONValue.parse(event.payload)
            switch event.type {
            case "UserAdded":
                name = payload["name"]?.stringValue ?? ""
                role = payload["role"]?.stringValue.flatMap(Role.init(rawValue:)) ?? .reader
                hash = payload["tokenHash"]?.stringValue ?? ""
            case "UserRoleChanged": role = payload["role"]?.stringValue.flatMap(Role.init(rawValue:)) ?? role
            case "UserDisabled": disabled = true
            case "UserEnabled": disabled = false
            case "UserTokenReset": hash = payload["tokenHash"]?.stringValue ?? hash
            default: break
            }
        }
        let account = UserAccount(name: name, role: role, disabled: disabled, tokenHash: hash, addedAt: first.recordedAt,
                                  addedBy: first.metadata.actor, version: events.last?.streamVersion ?? 0)
        guard let stored, let kept = try stored(account) else { return account }
        return UserAccount(name: name, role: role, disabled: disabled, tokenHash: kept, addedAt: account.addedAt,
                           addedBy: account.addedBy, version: account.version)
    }
}

extension AnnalsService {
    /// Adds a user with a role; returns the account and its token, which is not stored and cannot
    /// be shown again. Refused when the name is taken.
    public func addUser(_ name: String, role: Role, context: EditContext) throws -> (account: UserAccount, token: String) {
        try UserEvents.checkName(name)
        if try user(named: name) != nil { throw ApplicationError("user \(name) already exists; use user role, user disable or user reset-token", kind: .alreadyExists) }
        let (token, hash) = UserEvents.newToken(for: name)
        try asOneWrite {
            let version = try appendUserEvent(name, "UserAdded", ["name": .string(name), "role": .string(role.rawValue)], expected: .noStream, context: context)
            try keepTokenHash(hash, of: name, version: version)
        }
        return (try requireUser(name), token)
    }

    /// Changes a user's role.
    public func setRole(of name: String, to role: Role, context: EditContext) throws -> UserAccount {
        let account = try requireUser(name)
        try appendUserEvent(name, "UserRoleChanged", ["role": .string(role.rawValue)], expected: .exactly(account.version), context: context)
        return try requireUser(name)
    }

    /// Disables (or enables again) a user: from the next request on, its token is refused.
    public func setDisabled(_ name: String, _ disabled: Bool, context: EditContext) throws -> UserAccount {
        let account = try requireUser(name)
        guard account.disabled != disabled else { return account }
        try appendUserEvent(name, disabled ? "UserDisabled" : "UserEnabled", [:], expected: .exactly(account.version), context: context)
        return try requireUser(name)
    }

    /// Gives a user a new token; the old one stops working.
    public func resetToken(of name: String, context: EditContext) throws -> (account: UserAccount, token: String) {
        let account = try requireUser(name)
        let (token, hash) = UserEvents.newToken(for: name)
        try asOneWrite {
            let version = try appendUserEvent(name, "UserTokenReset", [:], expected: .exactly(account.version), context: context)
            try keepTokenHash(hash, of: name, version: version)
        }
        return (try requireUser(name), token)
    }

    /// The user's current account, nil when there is none.
    public func user(named name: String) throws -> UserAccount? {
        guard (try? UserEvents.checkName(name)) != nil else { return nil }
        return try UserEvents.fold(store.events.readStream(UserEvents.stream(name))) { try self.tokenHash(of: $0) }
    }

    /// How many users' token hashes this store keeps (outside its log).
    public func tokenHashCount() throws -> Int { try store.log.tokenHashCount() }

    /// The token hash kept for `account` outside the log, or nil (then the one its events carry,
    /// if any, counts). On a follower's store, its copy serves while it is as new as the user's
    /// stream; otherwise the shared database is asked (and the copy refreshed when this store is
    /// open for writing), and while that cannot be reached the copy serves as it is.
    private func tokenHash(of account: UserAccount) throws -> String? {
        let kept = try store.log.tokenHash(of: account.name)
        guard let follower, let shared = follower.source as? PostgresEventLog else { return kept?.hash }
        if let kept, kept.version >= account.version { return kept.hash }
        guard let row = try? shared.tokenHash(of: account.name) else { return kept?.hash }
        try store.log.setTokenHash(StoredTokenHash(hash: row.hash, version: account.version), of: account.name)
        return row.hash
    }

    /// Keeps a new token hash outside the log: in this store (joining the write of the user's
    /// event on a store of its own), and on a follower also in the shared database first.
    private func keepTokenHash(_ hash: String, of name: String, version: UInt64) throws {
        if let follower, let shared = follower.source as? PostgresEventLog {
            do {
                try SharedLogRetry(address: follower.address, patience: sharedLogPatience).run("store the token's hash") {
                    try shared.setTokenHash(hash, of: name, version: version)
                }
            } catch {
                throw ApplicationError("user \(name)'s event is in the shared log, but its token's hash could not be stored there: \(Remedy.problem(of: error))",
                                       kind: .unavailable, remedy: .resetToken(user: name))
            }
        }
        try store.log.setTokenHash(StoredTokenHash(hash: hash, version: version), of: name)
    }

    /// Every user, by name (read through the log's index of event types).
    public func users() throws -> [UserAccount] {
        let indexed = try store.environment.read { txn in try store.log.positions(ofTypes: ["UserAdded"], from: 1, through: .max, limit: .max, in: txn) }
        guard let positions = indexed else { throw ApplicationError("this store has no index of event types", remedy: .migrate) }
        return try positions.compactMap { try store.events.event(at: $0) }
            .compactMap { event in try event.stream.rawValue.hasPrefix("user/") ? user(named: String(event.stream.rawValue.dropFirst(5))) : nil }
            .sorted { $0.name < $1.name }
    }

    private func requireUser(_ name: String) throws -> UserAccount {
        guard let account = try user(named: name) else { throw ApplicationError("no user \(name); see annals user list") }
        return account
    }

    /// Appends one event to the user's stream; returns its version there.
    @discardableResult
    private func appendUserEvent(_ name: String, _ type: String, _ payload: [String: JSONValue], expected: ExpectedVersion, context: EditContext) throws -> UInt64 {
        let metadata = EventMetadata(actor: context.actor, reason: context.reason, correlationID: context.correlationID, account: context.account)
        let stored = try writer.append([StreamAppend(stream: UserEvents.stream(name), expected: expected,
                                                     events: [ProposedEvent(type: type, payload: JSONValue.object(payload).canonicalBytes, metadata: metadata)])])
        return stored.last?.streamVersion ?? 0
    }
}
