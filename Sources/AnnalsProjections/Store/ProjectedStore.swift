public import AnnalsCore
public import AnnalsLMDBLog
public import AnnalsLMDB
public import AnnalsRecords
public import Foundation
public import AnnalsMigrations

/// The Annals store: the event log plus its projections, kept in one LMDB environment.
///
/// Guarantees:
/// - every append updates every projection inline, in the same write transaction, with each one's
///   checkpoint, so a read after an acknowledged edit sees that edit;
/// - a projection built by another version is reported stale on open, and reads that need it fail
///   with the command that rebuilds it (`ProjectionError.stale`); writes are refused until then,
///   so no projection falls silently behind;
/// - events appended by a tool that knows only the log are applied on the next writable open or
///   with the next append, whichever comes first; a read-only open writes nothing and reports the
///   lag (`lag()`).
///
/// It conforms to `EventLog`, so the record editor and importers write through it unchanged.
public final class ProjectedStore: EventLog {
    public let log: LMDBEventLog
    public var environment: Environment { log.environment }
    let catalog: ProjectionCatalog
    /// Every event a reader gets from this store is in the current schema.
    public let upcaster: Upcaster

    /// Opens the store at `path`. With `create`, a missing directory becomes a new, empty store;
    /// without it, a missing store is an error (nothing is created). With `readOnly`, the store is
    /// opened without write access and nothing in it is written, not even a catch-up: it can be a
    /// read-only copy, and every write through it fails.
    public convenience init(path: String, create: Bool, readOnly: Bool = false, options: EnvironmentOptions = EnvironmentOptions(),
                            clock: @escaping @Sendable () -> Timestamp = Timestamp.now) throws {
        var options = options
        options.createIfMissing = create && !readOnly
        options.readOnly = readOnly
        try self.init(log: LMDBEventLog(path: path, options: options, clock: clock))
    }

    public init(log: LMDBEventLog) throws {
        self.log = log
        catalog = try ProjectionCatalog(environment: log.environment)
        let migrations = try MigrationSet.embedded()
        upcaster = Upcaster(migrations)
        let migrator = StoreMigrator(migrations)
        if let unknown = try migrator.unknownApplied(in: log).first {
            throw EventLogError.invalidInput(field: "store", value: log.environment.path,
                                             fix: "it was migrated by a newer annals (migration \(unknown)); upgrade annals, the store was not touched")
        }
        guard !log.environment.options.readOnly else { return }
        if try log.head().position == 0 && log.appliedMigrations().isEmpty { try migrator.recordCurrent(in: log) }
        // A new, empty log starts with every projection built (empty) at the current version.
        let unset: [ProjectionName] = try log.environment.read { [catalog, log] txn in
            guard try log.readHead(in: txn).position == 0 else { return [] }
            return try ProjectionName.allCases.filter { try catalog.version($0, in: txn) == nil }
        }
        if !unset.isEmpty {
            try log.environment.write { [catalog] txn in
                for projection in unset { try catalog.setState(projection, generation: 0, position: 0, in: txn) }
            }
        }
        if try staleProjections().isEmpty { try catchUp() }
    }

    /// Closes the store; any later use throws. Closing twice is harmless.
    public func close() { log.environment.close() }

    /// The store directory's canonical path.
    public var path: String { environment.path }

    /// An editor over this store: it appends here and reads current states from the records projection.
    public var editor: RecordEditor { RecordEditor(log: self, states: self) }

    // MARK: - Status

    /// One projection's state.
    public struct Status: Sendable, Equatable {
        public let projection: ProjectionName
        public let builtBy: UInt32?
        public let position: UInt64
        public let generation: Int
        public var isStale: Bool { builtBy != projection.version }
    }

    /// The projections' state in a store, read without opening it as a `ProjectedStore` (so
    /// nothing is written, and an older store format is fine): for `annals migrate --plan`.
    public static func status(of log: LMDBEventLog) throws -> [Status] {
        let catalog = try ProjectionCatalog(environment: log.environment)
        return try log.environment.read { txn in
            try ProjectionName.allCases.map { projection in
                Status(projection: projection, builtBy: try catalog.version(projection, in: txn),
                       position: try catalog.position(projection, in: txn), generation: try catalog.generation(projection, in: txn))
            }
        }
    }

    public func status() throws -> [Status] {
        try environment.read { txn in
            try ProjectionName.allCases.map { projection in
                Status(projection: projection, builtBy: try catalog.version(projection, in: txn),
                       position: try catalog.position(projection, in: txn), generation: try catalog.generation(projection, in: txn))
            }
        }
    }

    public func staleProjections() throws -> [ProjectionError] {
        try status().filter(\.isStale).map { .stale(projection: $0.projection.rawValue, builtBy: $0.builtBy, needed: $0.projection.version) }
    }

    func requireFresh(_ projections: [ProjectionName], in txn: Transaction) throws {
        for projection in projections {
            let built = try catalog.version(projection, in: txn)
            if built != projection.version {
                // A store from another version usually has several: name them all, fix them at once.
                let stale = try ProjectionName.allCases.filter { try catalog.version($0, in: txn) != $0.version }
                if stale.count > 1 { throw ProjectionError.severalStale(projections: stale.map(\.rawValue)) }
                throw ProjectionError.stale(projection: projection.rawValue, builtBy: built, needed: projection.version)
            }
        }
    }

    // MARK: - EventLog

    @discardableResult
    public func append(_ appends: [StreamAppend]) throws -> [RecordedEvent] {
        try environment.write { txn in
            if let source = try log.replicaSource(in: txn) { throw ProjectionError.replicaWrite(source: source) }
            try requireFresh(ProjectionName.allCases, in: txn)
            let outcome = try log.append(appends, in: txn)
            guard !outcome.alreadyStored, let first = outcome.events.first else { return outcome.events }
            let runner = try ProjectionRunner.live(catalog, upcaster: upcaster, in: txn)
            // Events another process appended to the bare log since this store caught up come
            // first, in the same transaction: the projections never skip one.
            let done = try runner.checkpoint(in: txn)
            let missed = first.position > done + 1 ? try log.readLog(from: done + 1, limit: Int(first.position - done - 1), in: txn) : []
            try runner.apply(missed + outcome.events, in: txn)
            return outcome.events
        }
    }

    /// Reads return events in the current schema (upcast); `log` gives them as stored.
    public func readStream(_ stream: StreamID, from version: UInt64, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        try log.readStream(stream, from: version, direction: direction, limit: limit).map(upcaster.upcast)
    }

    public func readLog(from position: UInt64, limit: Int) throws -> [RecordedEvent] { try log.readLog(from: position, limit: limit).map(upcaster.upcast) }
    public func event(id: UUID) throws -> RecordedEvent? { try log.event(id: id).map(upcaster.upcast) }
    public func event(at position: UInt64) throws -> RecordedEvent? { try log.event(at: position).map(upcaster.upcast) }
    public func streamHead(_ stream: StreamID) throws -> StreamHead? { try log.streamHead(stream) }
    public func head() throws -> LogHead { try log.head() }
    public func verify() throws -> VerificationReport { try log.verify() }

    /// Runs `body` as one write transaction: every append it makes (and every read, which sees
    /// those appends) joins it, and all of them commit together when it returns, or none when it
    /// throws. Other writers wait meanwhile. When the map must grow, `body` runs again from the
    /// start, so it must compute everything it writes inside itself.
    public func atomically<R>(_ body: () throws -> R) throws -> R {
        try environment.write { _ in try body() }
    }

    // MARK: - Catch-up

    /// The projections in following mode over this store's own log: what catches them up with
    /// events appended by a log-only writer.
    public func follower() throws -> ProjectionFollower {
        try ProjectionFollower(source: log, environment: environment, upcaster: upcaster)
    }

    /// How many events the projections have not applied (0 but after a log-only writer).
    public func lag() throws -> UInt64 {
        try environment.read { txn in
            let head = try log.readHead(in: txn).position
            let done = try ProjectionRunner.live(catalog, upcaster: upcaster, in: txn).checkpoint(in: txn)
            return head > done ? head - done : 0
        }
    }

    /// Applies events the projections have not seen (appended by a log-only writer), in batches.
    private func catchUp() throws {
        guard try lag() > 0 else { return }
        try follower().catchUp(batchSize: 2000)
    }
}
