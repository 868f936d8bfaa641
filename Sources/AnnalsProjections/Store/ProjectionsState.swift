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
        public let position: UInt64
        public let generation: Int
        public var isStale: Bool { builtBy != projection.version }
    }

    /// The projections' state in a store, read without opening it as a `ProjectedStore` (so
    /// nothing is written, and an older store format is fine): for `annals migrate --plan`.
    public static func status(of log: LMDBEventLog) throws -> [Status] {
        try status(log.environment, ProjectionCatalog(environment: log.environment))
    }

    public func status() throws -> [Status] {
        try Self.status(log.environment, catalog)
    }

    private static func status(_ environment: Environment, _ catalog: ProjectionCatalog) throws -> [Status] {
        try environment.read { txn in
            try ProjectionName.allCases.map { projection in
                Status(projection: projection, builtBy: try catalog.version(projection, in: txn),
                       position: try catalog.position(projection, in: txn), generation: try catalog.generation(projection, in: txn))
            }
        }
    }

    /// The projections built by another version, each as the error that names its fix.
    public func stale() throws -> [ProjectionError] {
        try status().filter(\.isStale).map { .stale(projection: $0.projection.rawValue, builtBy: $0.builtBy, needed: $0.projection.version) }
    }

    /// Refuses, naming the fix, when any of `projections` was built by another version.
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

    /// The projections in following mode over this store's own log: what catches them up with
    /// events appended by a log-only writer.
    public func follower() throws -> ProjectionFollower {
        try ProjectionFollower(source: log, environment: log.environment, upcaster: upcaster)
    }

    /// How many events the projections have not applied (0 but after a log-only writer).
    public func lag() throws -> UInt64 {
        try log.environment.read { txn in
            let head = try log.readHead(in: txn).position
            let done = try ProjectionRunner.live(catalog, upcaster: upcaster, in: txn).checkpoint(in: txn)
            return head > done ? head - done : 0
        }
    }

    /// Applies events the projections have not seen (appended by a log-only writer), in batches.
    func catchUp() throws {
        guard try lag() > 0 else { return }
        try follower().catchUp(batchSize: 2000)
    }
}
