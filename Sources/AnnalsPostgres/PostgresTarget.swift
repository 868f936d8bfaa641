public import Foundation

/// Where a PostgreSQL log lives: `postgres://USER@HOST:PORT/DB`, optionally with
/// `?sslmode=disable|prefer|require|verify-full` (default `prefer`, as libpq: encrypted when the
/// server offers it) and, for `verify-full`, `&sslrootcert=FILE` (the certificate authority;
/// default: the system's). The password never comes from the command line: it is `PGPASSWORD`,
/// else the first line of the file `PGPASSFILE_ANNALS` names, else none (trust or peer
/// authentication).
public struct PostgresTarget: Sendable, Equatable, CustomStringConvertible {
    public let user: String
    public let host: String
    public let port: Int
    public let database: String
    /// How the connection is encrypted.
    public let tls: TLSMode
    let password: String?

    /// `sslmode`: disable (plain), prefer (encrypted when the server offers it, not verified),
    /// require (encrypted, not verified), verify-full (encrypted, the server's certificate
    /// checked against `rootCertificate` or the system's authorities, and its name against the host).
    public enum TLSMode: Sendable, Equatable {
        case disable, prefer, require
        case verifyFull(rootCertificate: String?)
    }

    /// Reads a `postgres://` URL; nil when `text` is not one. Throws when it is one but malformed,
    /// or carries a password.
    public init?(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else { return nil }
        guard let url = URL(string: text), let host = url.host, !host.isEmpty else {
            throw PostgresLogError("\(text) is not a PostgreSQL address: give postgres://USER@HOST:PORT/DB")
        }
        if url.password != nil {
            throw PostgresLogError("put no password in the address (it would stay in shell histories and process lists): set PGPASSWORD, or PGPASSFILE_ANNALS to a file holding it")
        }
        let database = String(url.path.drop { $0 == "/" })
        var query: [String: String] = [:]
        for item in URLComponents(string: text)?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        if let unknown = query.keys.first(where: { $0 != "sslmode" && $0 != "sslrootcert" }) {
            throw PostgresLogError("\(unknown) in \(text) is not a setting annals reads: give sslmode (and sslrootcert for verify-full)")
        }
        switch query["sslmode"] ?? "prefer" {
        case "disable": tls = .disable
        case "prefer": tls = .prefer
        case "require": tls = .require
        case "verify-full": tls = .verifyFull(rootCertificate: query["sslrootcert"])
        case let other: throw PostgresLogError("sslmode \(other) is not one annals knows: give disable, prefer, require or verify-full")
        }
        if query["sslrootcert"] != nil, query["sslmode"] != "verify-full" {
            throw PostgresLogError("sslrootcert is read only with sslmode=verify-full; add it, or leave sslrootcert out")
        }
        guard let user = url.user, !user.isEmpty, !database.isEmpty else {
            throw PostgresLogError("\(text) needs a user and a database: postgres://USER@HOST:PORT/DB")
        }
        self.user = user
        self.host = host
        port = url.port ?? 5432
        self.database = database
        if let password = environment["PGPASSWORD"] {
            self.password = password
        } else if let file = environment["PGPASSFILE_ANNALS"] {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw PostgresLogError("cannot read the password file \(file) (PGPASSFILE_ANNALS)")
            }
            password = text.split(separator: "\n").first.map(String.init)
        } else {
            password = nil
        }
    }

    /// The address without any secret, its TLS settings kept (a follower's store records it and
    /// reconnects with it).
    public var description: String {
        let base = "postgres://\(user)@\(host):\(port)/\(database)"
        switch tls {
        case .prefer: return base
        case .disable: return base + "?sslmode=disable"
        case .require: return base + "?sslmode=require"
        case .verifyFull(let root?): return base + "?sslmode=verify-full&sslrootcert=\(root)"
        case .verifyFull(nil): return base + "?sslmode=verify-full"
        }
    }
}
