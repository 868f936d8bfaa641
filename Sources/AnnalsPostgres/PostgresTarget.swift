public import Foundation

/// Where a PostgreSQL log lives: `postgres://USER@HOST:PORT/DB`. The password never comes from
/// the command line: it is `PGPASSWORD`, else the first line of the file `PGPASSFILE_ANNALS`
/// names, else none (trust or peer authentication).
public struct PostgresTarget: Sendable, Equatable, CustomStringConvertible {
    public let user: String
    public let host: String
    public let port: Int
    public let database: String
    let password: String?

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

    /// The address without any secret.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}
