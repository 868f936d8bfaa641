public import AnnalsLMDB
public import AnnalsRecords
import AnnalsMigrations

/// One projection: a view of the log kept in its own LMDB tables, with its own checkpoint.
///
/// A projection sees the log only through `apply`, one batch at a time, in log order, each event
/// exactly once: the runner writes the projection's tables and its checkpoint (the last log
/// position it reflects) in one transaction. What it stores must depend only on the events, never
/// on where batches begin and end, so that a rebuild (any batch size) and the append path (one
/// edit a batch) write the same bytes; `annals verify` checks exactly that.
///
/// Adding a projection is a folder with a type conforming to this protocol (its apply, its format)
/// and its reader, plus one entry in `ProjectionRegistry.standard`; a caller can also add its own
/// (`ProjectionRegistry.adding`) and open a store with it.
public protocol Projection: Sendable {
    /// Its name in stores and on the command line.
    var name: ProjectionName { get }
    /// Its own version: bump it when what it stores, or how, changes. A store built by another
    /// version is stale until rebuilt.
    var version: UInt32 { get }
    /// Its tables. Each is kept in two generations, so a rebuild can fill one while the other serves.
    var tables: [ProjectionTable] { get }
    /// What this projection derives from a new record alone (its state after its create, and its
    /// number), computed ahead, on another core during rebuilds and catch-ups; `apply` finds it in
    /// the batch (`derived(by:as:)`). Nil: nothing to prepare.
    func prepare(created state: RecordState, number: UInt64) -> (any Sendable)?
    /// Applies one batch to this projection's tables (one generation of them) inside `txn`.
    func apply(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws
}

extension Projection {
    public func prepare(created state: RecordState, number: UInt64) -> (any Sendable)? { nil }
}

/// One table of a projection: its name and its LMDB layout.
public struct ProjectionTable: Sendable {
    public let name: String
    public var layout: DatabaseLayout

    public init(name: String, layout: DatabaseLayout = []) {
        self.name = name
        self.layout = layout
    }
}

/// The databases of one generation of one projection's tables, by table name.
public struct ProjectionTables: Sendable {
    public let projection: ProjectionName
    let databases: [String: Database]

    /// The named table; throws (a bug, not a user error) when the projection did not declare it.
    public func callAsFunction(_ table: String) throws -> Database {
        guard let database = databases[table] else { throw ProjectionError.undeclaredTable(projection: projection.rawValue, table: table) }
        return database
    }
}

/// The projections a store keeps, in the order they are applied and listed: Annals' own
/// (`standard`), plus any a caller adds. A store opened with a registry keeps exactly its
/// projections up to date; one it has never built is stale until `annals rebuild` builds it.
public struct ProjectionRegistry: Sendable {
    /// Every projection, in application order.
    public let all: [any Projection]

    /// Annals' own projections.
    public static let standard = ProjectionRegistry(all: [RecordsProjection(), SearchProjection(), AggregatesProjection(), AuditProjection()])

    private init(all: [any Projection]) { self.all = all }

    /// This registry with `projection` applied after the others. Refused when its name is taken or
    /// it declares no table.
    public func adding(_ projection: any Projection) throws -> ProjectionRegistry {
        guard !names.contains(projection.name) else { throw ProjectionError.invalidProjection(name: projection.name.rawValue, problem: "the name is taken") }
        guard !projection.tables.isEmpty else { throw ProjectionError.invalidProjection(name: projection.name.rawValue, problem: "it declares no table") }
        return ProjectionRegistry(all: all + [projection])
    }

    /// Every projection's name, in application order.
    public var names: [ProjectionName] { all.map(\.name) }

    /// The registered projection named `text`, if any.
    public func name(_ text: String) -> ProjectionName? { names.first { $0.rawValue == text } }

    /// `projections` in application order.
    public func ordered(_ projections: Set<ProjectionName>) -> [ProjectionName] { names.filter(projections.contains) }

    /// Only the projections among `names`: what a rebuild of some of them prepares ahead.
    func limited(to names: Set<ProjectionName>) -> ProjectionRegistry { ProjectionRegistry(all: all.filter { names.contains($0.name) }) }

    func projection(named name: ProjectionName) -> (any Projection)? {
        all.first { $0.name == name }
    }

    /// The version a store's projection must have been built by: the projection's own version
    /// (bumped when what it stores, or how, changes) times 1000, plus the number of the newest
    /// event-upcast migration, since a new upcast changes what projections read from old events.
    public func version(of name: ProjectionName) -> UInt32 {
        (projection(named: name)?.version ?? 0) * 1000 + Self.upcastLevel
    }

    private static let upcastLevel = UInt32((try? MigrationSet.embedded().upcastLevel) ?? 0)
}
