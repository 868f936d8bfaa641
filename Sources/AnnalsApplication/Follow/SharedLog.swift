import AnnalsCore
import AnnalsPostgres
import Foundation

/// The shared log several machines write: PostgreSQL, named by a `postgres://USER@HOST:PORT/DB`
/// address wherever a store directory can be given.
public enum SharedLog {
    /// Whether `text` names a shared log rather than a store directory.
    public static func isAddress(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Whether two addresses name the same database (its hosts, port and name), whatever their
    /// TLS settings: a follower given its own log's address with other settings still follows it.
    static func sameDatabase(_ one: String, _ other: String) -> Bool {
        guard let a = try? PostgresTarget(one, environment: [:]), let b = try? PostgresTarget(other, environment: [:]) else { return one == other }
        return a.host.lowercased() == b.host.lowercased() && a.port == b.port && a.database == b.database
    }

    /// Connects to the shared log at `address` (nothing is read or written yet). A malformed
    /// address, or one carrying a password, is refused.
    static func connect(_ address: String) throws -> PostgresEventLog {
        do {
            guard let target = try PostgresTarget(address) else {
                throw ApplicationError("\(address) is not a shared log's address: give postgres://USER@HOST:PORT/DB")
            }
            return PostgresEventLog(target)
        } catch let error as PostgresLogError {
            throw ApplicationError(error.description)
        }
    }
}
