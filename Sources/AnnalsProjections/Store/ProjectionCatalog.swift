import AnnalsLMDB
import AnnalsMigrations

/// The projections Annals maintains, each with a version: a store whose projection was built by
/// another version is stale until rebuilt.
public enum ProjectionName: String, CaseIterable, Sendable, Comparable {
    /// Current state of every record and the by-type-and-year list index.
    case records
    /// The diacritic-insensitive word index.
    case search
    /// Per-year totals and their history of changes (for "as of" queries).
    case aggregates
    /// The audit index of events by actor.
    case audit

    /// The version a store's projection must have been built by: the projection's own version
    /// (bump it when what it stores, or how, changes) times 1000, plus the number of the newest
    /// event-upcast migration, since a new upcast changes what projections read from old events.
    public var version: UInt32 {
        let own: UInt32
        switch self {
        case .records: own = 2  // 2: the state holds the record's number
        case .search: own = 2  // 2: postings of record numbers per word, replacing word‖id keys
        case .aggregates: own = 2  // 2: the history is keyed by position, one entry per event
        case .audit: own = 1
        }
        return own * 1000 + Self.upcastLevel
    }

    private static let upcastLevel = UInt32((try? MigrationSet.embedded().upcastLevel) ?? 0)

    /// Its databases (each kept in two generations, see `ProjectionCatalog`).
    var tables: [String] {
        switch self {
        case .records: return ["state", "by-year"]
        case .search: return ["postings", "numbers"]
        case .aggregates: return ["totals", "deltas"]
        case .audit: return ["by-actor"]
        }
    }

    public static func < (a: ProjectionName, b: ProjectionName) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Where projections live: each table in two generations (`proj/records/state#0`, `…#1`). The
/// live generation, the version that built it and the log position it reflects are kept in
/// `proj/meta`, written in the same transaction as the data. A rebuild fills the other generation
/// and switches over in one transaction, so the old one serves reads until then.
struct ProjectionCatalog {
    let meta: Database
    private let tables: [String: Database]

    /// Tables of earlier projection versions that this one no longer keeps, where a store still
    /// has them: a rebuild empties them.
    let retired: [Database]

    static let metaName = "proj/meta"
    static let retiredNames = ["proj/search/words#0", "proj/search/words#1"]

    init(environment: Environment) throws {
        meta = try environment.database(Self.metaName)
        var tables: [String: Database] = [:]
        for projection in ProjectionName.allCases {
            for table in projection.tables {
                for generation in 0...1 {
                    let name = Self.name(projection, table, generation)
                    tables[name] = try environment.database(name, layout: Self.layout(of: table))
                }
            }
        }
        self.tables = tables
        retired = Self.retiredNames.compactMap { try? environment.database($0, create: false) }
    }

    /// The search postings hold, for each word, the sorted set of 8-byte record numbers.
    static func layout(of table: String) -> DatabaseLayout {
        table == "postings" ? [.sortedSet, .fixedSizeValues] : []
    }

    static func name(_ projection: ProjectionName, _ table: String, _ generation: Int) -> String {
        "proj/\(projection.rawValue)/\(table)#\(generation)"
    }

    func table(_ projection: ProjectionName, _ table: String, generation: Int) -> Database {
        tables[Self.name(projection, table, generation)]!
    }

    func tables(of projection: ProjectionName, generation: Int) -> [Database] {
        projection.tables.map { table(projection, $0, generation: generation) }
    }

    // MARK: - Meta

    func generation(_ projection: ProjectionName, in txn: Transaction) throws -> Int {
        Int(try txn.get(meta, key(projection, "generation"))?.first ?? 0)
    }

    func version(_ projection: ProjectionName, in txn: Transaction) throws -> UInt32? {
        try txn.get(meta, key(projection, "version")).map { $0.reduce(0) { $0 << 8 | UInt32($1) } }
    }

    func position(_ projection: ProjectionName, in txn: Transaction) throws -> UInt64 {
        try txn.get(meta, key(projection, "position")).map { $0.reduce(0) { $0 << 8 | UInt64($1) } } ?? 0
    }

    func setState(_ projection: ProjectionName, generation: Int, position: UInt64, in txn: WriteTransaction) throws {
        try txn.put(meta, key(projection, "generation"), [UInt8(generation)])
        try txn.put(meta, key(projection, "version"), bigEndian(projection.version))
        try txn.put(meta, key(projection, "position"), bigEndian(position))
    }

    func setPosition(_ projection: ProjectionName, _ position: UInt64, in txn: WriteTransaction) throws {
        try txn.put(meta, key(projection, "position"), bigEndian(position))
    }

    private func key(_ projection: ProjectionName, _ field: String) -> [UInt8] {
        Array("\(projection.rawValue)/\(field)".utf8)
    }
}

func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}

func readBigEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    bytes.reduce(0) { $0 << 8 | UInt64($1) }
}
