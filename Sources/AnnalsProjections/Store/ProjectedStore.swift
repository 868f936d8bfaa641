public import AnnalsCore
public import AnnalsLMDBLog
public import AnnalsLMDB
public import AnnalsRecords
public import Foundation
public import AnnalsMigrations

/// The Annals store: the event log plus its projections, kept in one LMDB environment. This type
/// opens a store and guards its format; the rest has a type of its own:
/// - `events`: the log as the editor and readers use it (reads in the current schema);
/// - the inline projections (`InlineProjections`) join every append's transaction;
/// - `projections`: their status, lag and catch-up; `maintenance`: rebuild, verify, backup;
///   `replica`: a follower's copy of a shared log;
/// - one reader per projection, beside it (`RecordsReader(store)`, `SearchReader(store)`, …).
///
/// Guarantees:
/// - every append updates every projection inline, in the same write transaction, with each one's
///   checkpoint, so a read after an acknowledged edit sees that edit;
/// - a projection built by another version is reported stale on open, and reads that need it fail
///   with the command that rebuilds it (`ProjectionError.stale`); writes are refused until then,
///   so no projection falls silently behind;
/// - events appended by a tool that knows only the log are applied on the next writable open or
///   with the next append, whichever comes first; a read-only open writes nothing and reports the
///   lag (`projections.lag()`).
public final class ProjectedStore {
    /// The log as stored.
    public let log: LMDBEventLog
    /// The log in the current schema: appends go to `log` (the projections join each one's
    /// transaction), reads come back upcast.
    public let events: UpcastingLog
    public var environment: Environment { log.environment }
    let catalog: ProjectionCatalog
    /// The projections this store keeps.
    public var registry: ProjectionRegistry { catalog.registry }
    /// Every event a reader gets from this store is in the current schema.
    public var upcaster: Upcaster { events.upcaster }

    /// Opens the store at `path`. With `create`, a missing directory becomes a new, empty store;
    /// without it, a missing store is an error (nothing is created). With `readOnly`, the store is
    /// opened without write access and nothing in it is written, not even a catch-up: it can be a
    /// read-only copy, and every write through it fails. `registry` names the projections kept.
    public convenience init(path: String, create: Bool, readOnly: Bool = false, options: EnvironmentOptions = EnvironmentOptions(),
                            registry: ProjectionRegistry = .standard, clock: @escaping @Sendable () -> Timestamp = Timestamp.now) throws {
        var options = options
        options.createIfMissing = create && !readOnly
        options.readOnly = readOnly
        try self.init(log: LMDBEventLog(path: path, options: options, clock: clock), registry: registry)
    }

    public init(log: LMDBEventLog, registry: ProjectionRegistry = .standard) throws {
        self.log = log
        catalog = try ProjectionCatalog(environment: log.environment, registry: registry)
        let migrations = try MigrationSet.embedded()
        events = UpcastingLog(log, upcaster: Upcaster(migrations))
        log.observer = InlineProjections(log: log, catalog: catalog, upcaster: events.upcaster)
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
            return try catalog.registry.names.filter { try catalog.version($0, in: txn) == nil }
        }
        if !unset.isEmpty {
            try log.environment.write { [catalog] txn in
                for projection in unset { try catalog.setState(projection, generation: 0, position: 0, in: txn) }
            }
        }
        if try projections.stale().isEmpty { try projections.catchUp() }
    }

    /// Closes the store; any later use throws. Closing twice is harmless.
    public func close() { log.environment.close() }

    /// The store directory's canonical path.
    public var path: String { environment.path }

    /// Runs `body` as one write transaction: every append it makes (and every read, which sees
    /// those appends) joins it, and all of them commit together when it returns, or none when it
    /// throws. Other writers wait meanwhile. When the map must grow, `body` runs again from the
    /// start, so it must compute everything it writes inside itself.
    public func atomically<R>(_ body: () throws -> R) throws -> R {
        try environment.write { _ in try body() }
    }

    /// The projections' status, lag and catch-up.
    public var projections: ProjectionsState {
        ProjectionsState(log: log, catalog: catalog, upcaster: upcaster)
    }
}

/// The projections as one append's transaction sees them: refused while any is stale or the log
/// is a follower's copy, then applied to the new events (and first to any a log-only writer
/// appended since they last caught up), with their checkpoint, before the commit.
final class InlineProjections: AppendObserver {
    /// Unowned: the log holds this observer, and calls it only while alive.
    unowned let log: LMDBEventLog
    let catalog: ProjectionCatalog
    let upcaster: Upcaster

    init(log: LMDBEventLog, catalog: ProjectionCatalog, upcaster: Upcaster) {
        self.log = log
        self.catalog = catalog
        self.upcaster = upcaster
    }

    func willAppend(in txn: WriteTransaction) throws {
        if let source = try log.replicaSource(in: txn) { throw ProjectionError.replicaWrite(source: source) }
        try ProjectionsState(log: log, catalog: catalog, upcaster: upcaster).requireFresh(catalog.registry.names, in: txn)
    }

    func didAppend(_ events: [RecordedEvent], in txn: WriteTransaction) throws {
        guard let first = events.first else { return }
        let runner = try ProjectionRunner.live(catalog, upcaster: upcaster, creates: .sameEnvironment(log), in: txn)
        // Events another process appended to the bare log since this store caught up come first,
        // in the same transaction: the projections never skip one.
        let done = try runner.checkpoint(in: txn)
        let missed = first.position > done + 1 ? try log.readLog(from: done + 1, limit: Int(first.position - done - 1), in: txn) : []
        try runner.apply(missed + events, in: txn)
    }
}
