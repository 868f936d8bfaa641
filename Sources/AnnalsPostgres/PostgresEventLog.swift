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
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    private let clock: @Sendable () -> Timestamp
    public let target: PostgresTarget

    /// Connects to `target` (nothing is read or written yet). `clock` gives recorded-at times; they
    /// never go backwards along the log.
    public init(_ target: PostgresTarget, clock: @escaping @Sendable () -> Timestamp = Timestamp.now) {
        self.target = target
        let configuration = PostgresClient.Configuration(host: target.host, port: target.port, username: target.user,
                                                         password: target.password, database: target.database, tls: .disable)
        let client = PostgresClient(configuration: configuration)
        self.client = client
        runner = Task { await client.run() }
        logger = Logger(label: "annals.postgres")
        self.clock = clock
    }

    deinit { runner.cancel() }

    /// Closes the connections; later calls fail.
    public func close() { runner.cancel() }

    // MARK: - Schema

    /// The schema migrations applied to this database, by id.
    public func appliedMigrations() throws -> [String] {
        try blocking { [client, logger] in
            try await client.query("CREATE TABLE IF NOT EXISTS annals_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                                   logger: logger)
            var ids: [String] = []
            for try await id in try await client.query("SELECT id FROM annals_migrations ORDER BY id", logger: logger).decode(String.self) {
                ids.append(id)
            }
            return ids
        }
    }

    /// Applies the schema migrations not yet applied, each in its own transaction with its record
    /// in `annals_migrations`; returns the ids applied now.
    @discardableResult
    public func migrate() throws -> [String] {
        let applied = Set(try appliedMigrations())
        var now: [String] = []
        for migration in PostgresSchema.migrations where !applied.contains(migration.id) {
            try blocking { [client, logger] in
                try await Self.transaction(client, logger) { connection in
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
        return try blocking { [client, logger] in
            try await Self.transaction(client, logger) { connection in
                // The head row, locked until commit: appenders queue here.
                var head = LogHead.empty
                for try await (position, hash, recordedAt) in try await connection.query(
                    "SELECT position, hash, recorded_at FROM annals_head WHERE one FOR UPDATE", logger: logger
                ).decode((Int64, Data, Int64?).self) {
                    head = LogHead(position: UInt64(position), hash: Array(hash), lastRecordedAt: recordedAt.map { Timestamp(microsecondsSinceEpoch: $0) })
                }
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
                var versions: [UInt64] = []
                for entry in prepared {
                    var actual: UInt64 = 0
                    for try await version in try await connection.query(
                        "SELECT coalesce(max(version), 0) FROM annals_events WHERE stream = \(entry.stream.rawValue)", logger: logger
                    ).decode(Int64.self) {
                        actual = UInt64(version)
                    }
                    try EventValidation.check(entry.expected, actual: actual, stream: entry.stream)
                    versions.append(actual)
                }
                let recordedAt = max(clock(), head.lastRecordedAt ?? Timestamp(microsecondsSinceEpoch: .min))
                var rows: [(RecordedEvent, [UInt8])] = []
                let recorded = RecordCodec.chain(prepared, startVersions: versions, after: head, recordedAt: recordedAt) { event, record in
                    rows.append((event, record))
                }
                // One statement for the whole append: the rows as parallel arrays.
                let positions = rows.map { Int64($0.0.position) }, streams = rows.map { $0.0.stream.rawValue }
                let rowVersions = rows.map { Int64($0.0.streamVersion) }, rowIDs = rows.map { $0.0.id }, types = rows.map { $0.0.type }
                let values = rows.map { ByteBuffer(bytes: $0.0.hash + $0.1) }
                try await connection.query("""
                    INSERT INTO annals_events (position, stream, version, id, type, value)
                    SELECT * FROM unnest(\(positions)::bigint[], \(streams)::text[], \(rowVersions)::bigint[], \(rowIDs)::uuid[], \(types)::text[], \(values)::bytea[])
                    """, logger: logger)
                if let last = recorded.last {
                    try await connection.query("""
                        UPDATE annals_head SET position = \(Int64(last.position)), hash = \(Data(last.hash)), recorded_at = \(last.recordedAt.microsecondsSinceEpoch)
                        """, logger: logger)
                }
                return recorded
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
        try blocking { [client, logger] in
            var head: StreamHead?
            for try await (version, position) in try await client.query(
                "SELECT version, position FROM annals_events WHERE stream = \(stream.rawValue) ORDER BY version DESC LIMIT 1", logger: logger
            ).decode((Int64, Int64).self) {
                head = StreamHead(version: UInt64(version), lastPosition: UInt64(position))
            }
            return head
        }
    }

    public func head() throws -> LogHead {
        try blocking { [client, logger] in
            var head = LogHead.empty
            for try await (position, hash, recordedAt) in try await client.query(
                "SELECT position, hash, recorded_at FROM annals_head WHERE one", logger: logger
            ).decode((Int64, Data, Int64?).self) {
                head = LogHead(position: UInt64(position), hash: Array(hash), lastRecordedAt: recordedAt.map { Timestamp(microsecondsSinceEpoch: $0) })
            }
            return head
        }
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

    /// Runs `body` in a transaction; an error the body throws (a conflict, a refused event) comes
    /// out as itself, not wrapped in postgres-nio's transaction error.
    private static func transaction<T: Sendable>(_ client: PostgresClient, _ logger: Logger,
                                                 _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError { throw inner }
            throw PostgresLogError("the transaction failed: \(String(describing: error.beginError ?? error.commitError ?? error.rollbackError))")
        }
    }

    // MARK: - Reading rows

    private func events(_ query: PostgresQuery) throws -> [RecordedEvent] {
        try blocking { [client, logger] in
            var found: [RecordedEvent] = []
            for try await (position, value) in try await client.query(query, logger: logger).decode((Int64, Data).self) {
                found.append(try RecordCodec.decode(value: Array(value), position: UInt64(position)))
            }
            return found
        }
    }

    private func rawValues(from position: UInt64, limit: Int) throws -> [(UInt64, [UInt8])] {
        try blocking { [client, logger] in
            var found: [(UInt64, [UInt8])] = []
            for try await (position, value) in try await client.query(
                "SELECT position, value FROM annals_events WHERE position >= \(Int64(position)) ORDER BY position LIMIT \(Int64(limit))", logger: logger
            ).decode((Int64, Data).self) {
                found.append((UInt64(position), Array(value)))
            }
            return found
        }
    }
}

/// A failure of the PostgreSQL log that is not one of the log's own errors.
public struct PostgresLogError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
