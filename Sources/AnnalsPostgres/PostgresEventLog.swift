public import AnnalsCore
public import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The event log in PostgreSQL (`--store postgres://USER@HOST:PORT/DB`): the same promises as the
/// LMDB log, proven by the same conformance suite, with the same record bytes, so positions and
/// hashes are identical on both backends.
///
/// Appends are serialised by a row lock on `annals_head` held for the append's transaction: two
/// appenders never interleave, commit order is position order, and an acknowledged append is a
/// committed PostgreSQL transaction (durable as the server's `synchronous_commit` makes it). The
/// cost is one appender at a time across every machine, as with LMDB on one machine.
///
/// Call it from threads that may block (it waits for postgres-nio's async calls), not from tasks.
public final class PostgresEventLog: EventLog, @unchecked Sendable {
    private let link: ServerLink
    private let logger: Logger
    private let clock: @Sendable () -> Timestamp
    public let target: PostgresTarget

    /// A log at `target`; it connects when first used, and again after the connection broke.
    /// `clock` gives recorded-at times; they never go backwards along the log.
    public init(_ target: PostgresTarget, clock: @escaping @Sendable () -> Timestamp = Timestamp.now) {
        self.target = target
        logger = Logger(label: "annals.postgres")
        link = ServerLink(target, logger: logger)
        self.clock = clock
    }

    deinit { link.drop() }

    /// Closes the connection; a later call opens a new one.
    public func close() { link.drop() }

    // MARK: - Schema

    /// The schema migrations applied to this database, by id (none on a new database). Writes nothing.
    public func appliedMigrations() throws -> [String] {
        try link.call { [logger] connection in
            var exists = false
            for try await found in try await connection.query("SELECT to_regclass('annals_migrations') IS NOT NULL", logger: logger).decode(Bool.self) {
                exists = found
            }
            guard exists else { return [] }
            var ids: [String] = []
            for try await id in try await connection.query("SELECT id FROM annals_migrations ORDER BY id", logger: logger).decode(String.self) {
                ids.append(id)
            }
            return ids
        }
    }

    /// The schema migrations this annals has that the database has not applied yet.
    public func pendingMigrations() throws -> [String] {
        let applied = Set(try appliedMigrations())
        return PostgresSchema.migrations.map(\.id).filter { !applied.contains($0) }
    }

    /// Applies the schema migrations not yet applied, each in its own transaction with its record
    /// in `annals_migrations`; returns the ids applied now.
    @discardableResult
    public func migrate() throws -> [String] {
        try link.call { [logger] connection in
            try await connection.query("CREATE TABLE IF NOT EXISTS annals_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                                   logger: logger)
        }
        let applied = Set(try appliedMigrations())
        var now: [String] = []
        for migration in PostgresSchema.migrations where !applied.contains(migration.id) {
            try link.call { [logger] connection in
                try await Self.transaction(connection, logger) { connection in
                    // One statement per query (the extended protocol takes no more); the files put
                    // each statement's closing semicolon at the end of a line.
                    for statement in PostgresSchema.statements(migration.sql) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("INSERT INTO annals_migrations (id) VALUES (\(migration.id))", logger: logger)
                }
            }
            now.append(migration.id)
        }
        return now
    }

    // MARK: - EventLog

    @discardableResult
    public func append(_ appends: [StreamAppend]) throws -> [RecordedEvent] {
        let prepared = try EventValidation.prepare(appends)
        let clock = self.clock
        return try link.call { [logger] connection in
            try await Self.transaction(connection, logger) { connection in
                // The head row, locked until commit: appenders queue here.
                let head = try await Self.lockedHead(connection, logger)
                // Ids already stored: the whole append is a re-append, or refused.
                let ids = prepared.flatMap { $0.events.map(\.id) }
                var stored: [UUID: (RecordedEvent?, UInt64)] = [:]
                for try await (position, value) in try await connection.query(
                    "SELECT position, value FROM annals_events WHERE id = ANY(\(ids))", logger: logger
                ).decode((Int64, Data).self) {
                    let event = try? RecordCodec.decode(value: Array(value), position: UInt64(position))
                    if let event { stored[event.id] = (event, UInt64(position)) }
                }
                if let existing = try EventValidation.alreadyStored(prepared, lookup: { stored[$0] }) { return existing }
                // Every stream's version in one query (one round trip, whatever the batch).
                var current: [String: UInt64] = [:]
                for try await (stream, version) in try await connection.query(
                    "SELECT stream, max(version) FROM annals_events WHERE stream = ANY(\(prepared.map(\.stream.rawValue))) GROUP BY stream", logger: logger
                ).decode((String, Int64).self) {
                    current[stream] = UInt64(version)
                }
                var versions: [UInt64] = []
                for entry in prepared {
                    let actual = current[entry.stream.rawValue] ?? 0
                    try EventValidation.check(entry.expected, actual: actual, stream: entry.stream)
                    versions.append(actual)
                }
                let recordedAt = max(clock(), head.lastRecordedAt ?? Timestamp(microsecondsSinceEpoch: .min))
                var rows: [(RecordedEvent, [UInt8])] = []
                let recorded = RecordCodec.chain(prepared, startVersions: versions, after: head, recordedAt: recordedAt) { event, record in
                    rows.append((event, record))
                }
                try await Self.insert(recorded, values: rows.map { ByteBuffer(bytes: $0.0.hash + $0.1) }, head: recorded.last.map {
                    LogHead(position: $0.position, hash: $0.hash, lastRecordedAt: $0.recordedAt)
                } ?? head, connection, logger)
                return recorded
            }
        }
    }

    /// Appends events exactly as another log stored them (an export, an LMDB store's log), keeping
    /// their positions, ids, versions, times and hashes: each must follow the head as
    /// `RestoreCheck` says, or nothing of the call is stored. Returns the new head.
    @discardableResult
    public func restore(_ exported: [RecordedEvent]) throws -> LogHead {
        guard !exported.isEmpty else { return try head() }
        return try link.call { [logger] connection in
            try await Self.transaction(connection, logger) { connection in
                var head = try await Self.lockedHead(connection, logger)
                let streams = Array(Set(exported.map(\.stream.rawValue)))
                var versions: [String: UInt64] = [:]
                for try await (stream, version) in try await connection.query(
                    "SELECT stream, max(version) FROM annals_events WHERE stream = ANY(\(streams)) GROUP BY stream", logger: logger
                ).decode((String, Int64).self) {
                    versions[stream] = UInt64(version)
                }
                var stored = Set<UUID>()
                for try await id in try await connection.query(
                    "SELECT id FROM annals_events WHERE id = ANY(\(exported.map(\.id)))", logger: logger
                ).decode(UUID.self) {
                    stored.insert(id)
                }
                var values: [ByteBuffer] = []
                for event in exported {
                    let record = try RestoreCheck.record(for: event, after: head, streamVersion: versions[event.stream.rawValue] ?? 0,
                                                         idStored: stored.contains(event.id))
                    values.append(ByteBuffer(bytes: event.hash + record))
                    versions[event.stream.rawValue] = event.streamVersion
                    stored.insert(event.id)
                    head = LogHead(position: event.position, hash: event.hash, lastRecordedAt: event.recordedAt)
                }
                try await Self.insert(exported, values: values, head: head, connection, logger)
                return head
            }
        }
    }

    public func readStream(_ stream: StreamID, from version: UInt64, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        let start = Int64(min(version, UInt64(Int64.max))), count = Int64(limit)
        switch direction {
        case .forwards:
            return try events("""
                SELECT position, value FROM annals_events WHERE stream = \(stream.rawValue) AND version >= \(start) ORDER BY version LIMIT \(count)
                """)
        case .backwards:
            return try events("""
                SELECT position, value FROM annals_events WHERE stream = \(stream.rawValue) AND version <= \(start) ORDER BY version DESC LIMIT \(count)
                """)
        }
    }

    public func readLog(from position: UInt64, limit: Int) throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        let start = Int64(min(max(position, 1), UInt64(Int64.max)))
        return try events("SELECT position, value FROM annals_events WHERE position >= \(start) ORDER BY position LIMIT \(Int64(limit))")
    }

    public func event(id: UUID) throws -> RecordedEvent? {
        try events("SELECT position, value FROM annals_events WHERE id = \(id)").first
    }

    public func event(at position: UInt64) throws -> RecordedEvent? {
        guard position >= 1, position <= UInt64(Int64.max) else { return nil }
        return try events("SELECT position, value FROM annals_events WHERE position = \(Int64(position))").first
    }

    public func streamHead(_ stream: StreamID) throws -> StreamHead? {
        try link.call { [logger] connection in
            var head: StreamHead?
            for try await (version, position) in try await connection.query(
                "SELECT version, position FROM annals_events WHERE stream = \(stream.rawValue) ORDER BY version DESC LIMIT 1", logger: logger
            ).decode((Int64, Int64).self) {
                head = StreamHead(version: UInt64(version), lastPosition: UInt64(position))
            }
            return head
        }
    }

    public func head() throws -> LogHead {
        try link.call { [logger] connection in try await Self.readHead(connection, logger, locking: false) }
    }

    /// Walks the log in position order, 1,000 events per read: gapless positions and versions,
    /// times that never go back, every hash recomputed from the stored record, and the head.
    public func verify() throws -> VerificationReport {
        let head = try head()
        var previous = LogHead.empty.hash, expected: UInt64 = 1, lastTime: Timestamp?
        var versions: [StreamID: UInt64] = [:]
        func report(_ checked: UInt64, _ problem: VerificationProblem?) -> VerificationReport {
            VerificationReport(head: head, eventsChecked: checked, problem: problem)
        }
        while expected <= head.position {
            let values = try rawValues(from: expected, limit: 1000)
            if values.isEmpty { break }
            for (position, value) in values {
                guard position == expected else {
                    return report(expected - 1, VerificationProblem(position: expected, kind: .missingEvent, detail: "the next stored position is \(position)"))
                }
                let event: RecordedEvent
                do { event = try RecordCodec.decode(value: value, position: position) } catch {
                    return report(expected - 1, VerificationProblem(position: position, kind: .undecodable, detail: "\(error)"))
                }
                let hash = RecordCodec.chainHash(previous: previous, record: Array(value[RecordCodec.hashSize...]))
                guard hash == event.hash else {
                    return report(expected - 1, VerificationProblem(position: position, kind: .hashMismatch, detail: "the hash does not chain"))
                }
                if let lastTime, event.recordedAt < lastTime {
                    return report(expected - 1, VerificationProblem(position: position, kind: .timeWentBackwards, detail: "\(event.recordedAt) after \(lastTime)"))
                }
                let version = (versions[event.stream] ?? 0) + 1
                guard event.streamVersion == version else {
                    return report(expected - 1, VerificationProblem(position: position, kind: .streamVersionGap,
                                                                    detail: "\(event.stream) version \(event.streamVersion), expected \(version)"))
                }
                versions[event.stream] = version
                previous = hash
                lastTime = event.recordedAt
                expected += 1
            }
        }
        guard expected - 1 == head.position, previous == head.hash else {
            return report(expected - 1, VerificationProblem(position: expected, kind: .headMismatch,
                                                            detail: "the head says \(head.position) events; the table ends at \(expected - 1)"))
        }
        return report(head.position, nil)
    }

    /// The head, its row locked until the transaction ends: appenders and restorers queue here.
    private static func lockedHead(_ connection: PostgresConnection, _ logger: Logger) async throws -> LogHead {
        try await readHead(connection, logger, locking: true)
    }

    /// The head row; with `locking`, locked (FOR UPDATE) until the transaction ends.
    private static func readHead(_ connection: PostgresConnection, _ logger: Logger, locking: Bool) async throws -> LogHead {
        var head = LogHead.empty
        let query: PostgresQuery = locking ? "SELECT position, hash, recorded_at FROM annals_head WHERE one FOR UPDATE"
            : "SELECT position, hash, recorded_at FROM annals_head WHERE one"
        for try await (position, hash, recordedAt) in try await connection.query(query, logger: logger).decode((Int64, Data, Int64?).self) {
            head = LogHead(position: UInt64(position), hash: Array(hash), lastRecordedAt: recordedAt.map { Timestamp(microsecondsSinceEpoch: $0) })
        }
        return head
    }

    /// Inserts `events` (their stored values given) with one statement, the rows as parallel
    /// arrays, and moves the head.
    private static func insert(_ events: [RecordedEvent], values: [ByteBuffer], head: LogHead,
                               _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard !events.isEmpty else { return }
        let positions = events.map { Int64($0.position) }, streams = events.map(\.stream.rawValue)
        let versions = events.map { Int64($0.streamVersion) }, ids = events.map(\.id), types = events.map(\.type)
        try await connection.query("""
            INSERT INTO annals_events (position, stream, version, id, type, value)
            SELECT * FROM unnest(\(positions)::bigint[], \(streams)::text[], \(versions)::bigint[], \(ids)::uuid[], \(types)::text[], \(values)::bytea[])
            """, logger: logger)
        try await connection.query("""
            UPDATE annals_head SET position = \(Int64(head.position)), hash = \(Data(head.hash)), recorded_at = \(head.lastRecordedAt?.microsecondsSinceEpoch)
            """, logger: logger)
    }

    /// Runs `body` in a transaction; an error the body throws (a conflict, a refused event) comes
    /// out as itself, not wrapped in postgres-nio's transaction error.
    private static func transaction<T: Sendable>(_ connection: PostgresConnection, _ logger: Logger,
                                                 _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await connection.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError { throw inner }
            throw error
        }
    }

    // MARK: - Reading rows

    private func events(_ query: PostgresQuery) throws -> [RecordedEvent] {
        try link.call { [logger] connection in
            var found: [RecordedEvent] = []
            for try await (position, value) in try await connection.query(query, logger: logger).decode((Int64, Data).self) {
                found.append(try RecordCodec.decode(value: Array(value), position: UInt64(position)))
            }
            return found
        }
    }

    private func rawValues(from position: UInt64, limit: Int) throws -> [(UInt64, [UInt8])] {
        try link.call { [logger] connection in
            var found: [(UInt64, [UInt8])] = []
            for try await (position, value) in try await connection.query(
                "SELECT position, value FROM annals_events WHERE position >= \(Int64(position)) ORDER BY position LIMIT \(Int64(limit))", logger: logger
            ).decode((Int64, Data).self) {
                found.append((UInt64(position), Array(value)))
            }
            return found
        }
    }
}

/// A failure of the PostgreSQL log that is not one of the log's own errors: one line for a person,
/// and whether the server could not be reached (worth retrying the same call).
public struct PostgresLogError: Error, CustomStringConvertible {
    public let description: String
    /// True when the server was down or the connection broke: the call may be retried unchanged
    /// (an append with the same event ids is stored at most once).
    public let isUnavailable: Bool

    public init(_ description: String, isUnavailable: Bool = false) {
        self.description = description
        self.isUnavailable = isUnavailable
    }

    /// postgres-nio's error in one line: the server's own message when it sent one, else what
    /// happened to the connection.
    init(_ error: PSQLError) {
        if let info = error.serverInfo, let message = info[.message] {
            let state = info[.sqlState] ?? ""
            // Class 57 (operator intervention: shutdown, crash) and 08 (connection) are transient.
            self.init("the PostgreSQL server answered: \(message) (SQLSTATE \(state))", isUnavailable: state.hasPrefix("57") || state.hasPrefix("08"))
            return
        }
        switch error.code {
        case .connectionError:
            self.init("cannot connect to the PostgreSQL server: \(error.underlying.map { "\($0)" } ?? "no detail")", isUnavailable: true)
        case .sslUnsupported:
            self.init("the PostgreSQL server does not offer TLS, which the address's sslmode requires: turn ssl on in the server, or give sslmode=prefer")
        case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection, .poolClosed:
            self.init("the connection to the PostgreSQL server closed (\(error.code))", isUnavailable: true)
        default:
            self.init("PostgreSQL call failed: \(error.code)")
        }
    }
}

// MARK: - Token hashes (outside the log)

extension PostgresEventLog {
    /// The token hash kept for user `name` and the user stream's version it was set at, or nil.
    public func tokenHash(of name: String) throws -> (hash: String, version: UInt64)? {
        try link.call { [logger] connection in
            var found: (String, UInt64)?
            for try await (hash, version) in try await connection.query(
                "SELECT hash, version FROM annals_token_hashes WHERE name = \(name)", logger: logger
            ).decode((String, Int64).self) {
                found = (hash, UInt64(version))
            }
            return found
        }
    }

    /// Keeps `hash` as user `name`'s token hash, set at version `version` of the user's stream; an
    /// older version never replaces a newer one (two machines resetting one token at once).
    public func setTokenHash(_ hash: String, of name: String, version: UInt64) throws {
        try link.call { [logger] connection in
            try await connection.query("""
                INSERT INTO annals_token_hashes (name, hash, version) VALUES (\(name), \(hash), \(Int64(version)))
                ON CONFLICT (name) DO UPDATE SET hash = EXCLUDED.hash, version = EXCLUDED.version, updated_at = now()
                WHERE annals_token_hashes.version <= EXCLUDED.version
                """, logger: logger)
        }
    }
}
