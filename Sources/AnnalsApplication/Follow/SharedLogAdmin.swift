public import AnnalsCore
import AnnalsPostgres
import AnnalsProjections
import Foundation

/// What `annals migrate --store ADDRESS` did to a shared log's schema.
public struct SharedSchemaResult: Encodable, Sendable {
    /// The schema migrations applied by this run.
    public let applied: [String]
    /// Every schema migration the shared log now has.
    public let all: [String]
}

/// How a follower's store stands against the shared log it follows.
public struct SharedAgreement: Encodable, Sendable {
    /// The shared log's address (without secrets).
    public let source: String
    /// The follower's head: every event up to it is applied here.
    public let position: UInt64
    /// The shared log's head position now.
    public let sharedHead: UInt64
    /// The times this follower was moved to another shared log, oldest first (none: omitted).
    public let switches: [SourceSwitch]

    private enum CodingKeys: String, CodingKey { case source, position, sharedHead, switches }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(position, forKey: .position)
        try container.encode(sharedHead, forKey: .sharedHead)
        if !switches.isEmpty { try container.encode(switches, forKey: .switches) }
    }
}

extension SharedLog {
    /// Applies the shared log's schema migrations not applied yet (versioned SQL under
    /// `migrations/postgres/`, each recorded in `annals_migrations`).
    public static func migrate(_ address: String) throws -> SharedSchemaResult {
        let log = try connect(address)
        defer { log.close() }
        let applied = try log.migrate()
        return SharedSchemaResult(applied: applied, all: try log.appliedMigrations())
    }

    /// Checks the shared log's hash chain, positions, versions and head. It keeps no projections,
    /// so `projections` is 0.
    public static func verify(_ address: String) throws -> VerifyResult {
        let log = try opened(address)
        defer { log.close() }
        let report = try log.verify()
        let problem = report.problem.map { "verification failed at \($0)" }
        return VerifyResult(ok: report.isValid, events: report.eventsChecked, head: report.head.hashHex, problem: problem,
                            position: report.problem?.position, projections: 0)
    }

    /// Visits the shared log's events from `position` on, as stored.
    public static func forEachEntry(_ address: String, from position: UInt64, _ body: (RecordedEvent) throws -> Void) throws {
        let log = try opened(address)
        defer { log.close() }
        try log.forEachEvent(from: position) { event in
            try body(event)
            return true
        }
    }

    /// Stores the events `feed` gives in the shared log exactly as exported (same positions, times
    /// and hashes, each checked), 4,096 a transaction, then verifies the whole log. The shared log
    /// must be empty, or hold exactly the export's first events (an interrupted import-log, which
    /// this continues: the export's event at the shared head must carry the shared head's hash).
    public static func restoreLog(into address: String, feed: ((RecordedEvent) throws -> Void) throws -> Void) throws -> CopyResult {
        let log = try opened(address)
        defer { log.close() }
        let start = try log.head()
        var pending: [RecordedEvent] = []
        var checkedStart = start.position == 0
        func flush() throws {
            guard !pending.isEmpty else { return }
            try log.restore(pending)
            pending.removeAll(keepingCapacity: true)
        }
        try feed { event in
            if event.position <= start.position {
                if event.position == start.position {
                    guard event.hash == start.hash else {
                        throw ApplicationError("the shared log \(log.target) already holds \(start.position) events and its head differs from the export's event at that position; import into an empty database")
                    }
                    checkedStart = true
                }
                return
            }
            guard checkedStart else {
                throw ApplicationError("the shared log \(log.target) holds \(start.position) events the export does not begin with; import into an empty database")
            }
            pending.append(event)
            if pending.count >= 4096 { try flush() }
        }
        try flush()
        let report = try log.verify()
        guard report.isValid else {
            throw ApplicationError("the shared log does not verify after the import: \(report.problem.map(String.init(describing:)) ?? "")", kind: .verificationFailed)
        }
        return CopyResult(store: log.target.description, events: report.head.position, head: report.head.hashHex)
    }

    /// The schema migrations this annals has that the shared log has not applied.
    public static func pendingMigrations(_ address: String) throws -> [String] {
        let log = try connect(address)
        defer { log.close() }
        return try log.pendingMigrations()
    }

    /// A signed statement of the shared log's head (the same as one signed on any of its followers).
    public static func checkpoint(_ address: String, key: CheckpointKey) throws -> Checkpoint {
        let log = try opened(address)
        defer { log.close() }
        return try AnnalsService.checkpoint(of: log, key: key)
    }

    /// Checks checkpoints against the shared log, as `AnnalsService.check` does against a store.
    public static func check(_ address: String, _ checkpoints: [(file: String, checkpoint: Checkpoint)], trustedKey: String) throws -> [CheckpointReport] {
        let log = try opened(address)
        defer { log.close() }
        return try AnnalsService.check(checkpoints, against: log, trustedKey: trustedKey)
    }

    /// Connects and checks the schema is in place, so a missing one is named with its fix.
    static func opened(_ address: String) throws -> PostgresEventLog {
        let log = try connect(address)
        let missing: [String]
        do { missing = try log.pendingMigrations() } catch {
            log.close()
            throw error
        }
        if !missing.isEmpty {
            log.close()
            throw ApplicationError("the shared log \(log.target) lacks schema migration \(missing.joined(separator: ", "))", remedy: .migrateSharedLog(address: "\(log.target)"))
        }
        return log
    }
}

extension AnnalsService {
    /// On a follower's store: its head against the shared log's, after checking that the shared
    /// log holds exactly the history this store applied: every event up to this store's head is
    /// read from the shared log and re-hashed from its stored fields against this store's chain,
    /// so a row changed there (even with its old hash kept) fails with `.verificationFailed`,
    /// naming the position. Nil on a store with a log of its own. Writes nothing.
    public func sharedAgreement() throws -> SharedAgreement? {
        guard let address = try store.replica.source() else { return nil }
        let log = try SharedLog.connect(address)
        defer { log.close() }
        let follower = SharedLogReplica(store: store, source: log, address: address)
        if let problem = try follower.verifyHistory() {
            throw ApplicationError("verification failed at position \(problem.position): \(problem.detail)", kind: .verificationFailed)
        }
        return SharedAgreement(source: address, position: try follower.position(), sharedHead: try log.head().position,
                               switches: try store.replica.switches())
    }
}

extension AnnalsService {
    /// On a follower's store opened for writing: applies up to `limit` events the shared log holds
    /// past this store's head, in one transaction. Returns how many (0 on a store of its own).
    @discardableResult
    public func applyShared(limit: Int = 1000) throws -> UInt64 {
        guard let follower else { return 0 }
        let before = try follower.position()
        let target = try follower.source.head().position
        guard target > before else { return 0 }
        return try follower.catchUp(until: min(target, before + UInt64(limit))) - before
    }
}
