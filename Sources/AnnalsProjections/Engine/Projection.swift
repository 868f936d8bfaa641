import AnnalsLMDB
import AnnalsRecords

/// One projection: a view of the log kept in its own LMDB tables, with its own checkpoint.
///
/// A projection sees the log only through `apply`, one batch at a time, in log order, each event
/// exactly once: the runner writes the projection's tables and its checkpoint (the last log
/// position it reflects) in one transaction. What it stores must depend only on the events, never
/// on where batches begin and end, so that a rebuild (any batch size) and the append path (one
/// edit a batch) write the same bytes; `annals verify` checks exactly that.
///
/// Adding a projection is a type conforming to this protocol plus one line in
/// `ProjectionRegistry.all`.
protocol Projection: Sendable {
    /// Its name in stores and on the command line.
    var name: ProjectionName { get }
    /// Its own version: bump it when what it stores, or how, changes. A store built by another
    /// version is stale until rebuilt.
    var version: UInt32 { get }
    /// Its tables. Each is kept in two generations, so a rebuild can fill one while the other serves.
    var tables: [ProjectionTable] { get }
    /// What this projection derives from a new record alone (its state after its create, and its
    /// number), computed ahead, on another core during rebuilds and catch-ups; `apply` finds it in
    /// the batch (`derived(for:)`). Nil: nothing to prepare.
    func prepare(created state: RecordState, number: UInt64) -> (any Sendable)?
    /// Applies one batch to this projection's tables (one generation of them) inside `txn`.
    func apply(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws
}

extension Projection {
    func prepare(created state: RecordState, number: UInt64) -> (any Sendable)? { nil }
}

/// One table of a projection: its name and its LMDB layout.
struct ProjectionTable: Sendable {
    let name: String
    var layout: DatabaseLayout = []
}

/// The databases of one generation of one projection's tables, by table name.
struct ProjectionTables {
    let projection: ProjectionName
    let databases: [String: Database]

    /// The named table; throws (a bug, not a user error) when the projection did not declare it.
    func callAsFunction(_ table: String) throws -> Database {
        guard let database = databases[table] else { throw ProjectionError.undeclaredTable(projection: projection.rawValue, table: table) }
        return database
    }
}

/// The projections Annals keeps, in the order they are applied and listed.
enum ProjectionRegistry {
    static let all: [any Projection] = [RecordsProjection(), SearchProjection(), AggregatesProjection(), AuditProjection()]

    static func projection(named name: ProjectionName) -> (any Projection)? {
        all.first { $0.name == name }
    }
}
