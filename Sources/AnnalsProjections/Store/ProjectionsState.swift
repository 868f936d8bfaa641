public import AnnalsCore
public import AnnalsLMDBLog
public import AnnalsLMDB
import AnnalsMigrations

/// The projections of a store as a whole: which version built each, where each stands, how far
/// they lag the log, and catching them up. Reached through `ProjectedStore.projections`.
public struct ProjectionsState {
    let log: LMDBEventLog
    let catalog: ProjectionCatalog
    let upcaster: Upcaster

    /// One projection's state.
    public struct Status: Sendable, Equatable {
        public let projection: ProjectionName
        public let builtBy: UInt32?
        /// The version this annals builds it at.
        public let needed: UInt32
        public let position: UInt64
        /// The position the records projection reflects, which every other one must match: one
        /// behind it was left out while edits landed (a store opened without it).
        public let expectedPosition: UInt64
        public let generation: Int
        public var isStale: Bool { builtBy != needed || position != expectedPosition }

        var problem: ProjectionError {
            builtBy != needed ? .stale(projection: projection.rawValue, builtBy: builtBy, needed: needed)
                : .behind(projection: projection.rawValue, position: position, others: expectedPosition)
        }
    }

    /// The projections' state in a store, read without opening it as a `ProjectedStore` (so
    /// nothing is written, and an older store format is fine): for `annals migrate --plan`.
    public static func status(of log: LMDBEventLog, registry: ProjectionRegistry = .standard) throws -> [Status] {
        try status(log.environment, ProjectionCatalog(environment: log.environment, registry: registry))
    }

    public func status() throws -> [Status] {
        try Self.status(log.environment, catalog)
    }

    private static func status(_ environment: Environment, _ catalog: ProjectionCatalog) throws -> [Status] {
        try environment.read { txn in
            let expected = try catalog.position(.records, in: txn)
            return try catalog.registry.names.map { projection in
                Status(projection: projection, builtBy: try catalog.version(projection, in: txn), needed: catalog.registry.version(of: projection),
                       position: try catalog.position(projection, in: txn), expectedPosition: expected,
                       generation: try catalog.generation(projection, in: txn))
            }
        }
    }

    /// The projections built by another version or left behind, each as the error that names its fix.
    public func stale() throws -> [ProjectionError] {
        try status().filter(\.isStale).map(\.problem)
    }

    /// Refuses, naming the fix, when any of `projections` was built by another version or left
    /// behind the others.
    func requireFresh(_ projections: [ProjectionName], in txn: Transaction) throws {
        for projection in projections {
            let built = try catalog.version(projection, in: txn)
            if built != catalog.registry.version(of: projection) {
                // A store from another version usually has several: name them all, fix them at once.
                let stale = try catalog.registry.names.filter { try catalog.version($0, in: txn) != catalog.registry.version(of: $0) }
                if stale.count > 1 { throw ProjectionError.severalStale(projections: stale.map(\.rawValue)) }
                throw ProjectionError.stale(projection: projection.rawValue, builtBy: built, needed: catalog.registry.version(of: projection))
            }
            guard projection != .records else { continue }
            let position = try catalog.position(projection, in: txn), expected = try catalog.position(.records, in: txn)
            if position != expected { throw ProjectionError.behind(projection: projection.rawValue, position: position, others: expected) }
        }
    }

    /// The live tables of `projection`, as its reader reads them inside `txn`; refused, naming
    /// the fix, while it is stale. A reader reads only its own projection's tables.
    public func liveTables(of projection: ProjectionName, in txn: Transaction) throws -> ProjectionTables {
        try requireFresh([projection], in: txn)
        return try catalog.namedTables(of: projection, generation: catalog.generation(projection, in: txn))
    }

    /// The projections caught up with this store's own log: what brings them up to events a
    /// log-only writer appended.
    public func catchUpWithLog() throws -> ProjectionCatchUp {
        try ProjectionCatchUp(source: log, environment: log.environment, upcaster: upcaster, registry: catalog.registry)
    }

    /// How many events the projections have not applied (0 but after a log-only writer).
    public func lag() throws -> UInt64 {
        try log.environment.read { txn in
            let head = try log.readHead(in: txn).position
            let done = try ProjectionRunner.livePosition(catalog, in: txn)
            return head > done ? head - done : 0
        }
    }

    /// Applies events the projections have not seen (appended by a log-only writer), in batches.
    func catchUp() throws {
        guard try lag() > 0 else { return }
        try catchUpWithLog().catchUp(batchSize: 2000)
    }
}
