import AnnalsCore
import AnnalsLMDB
import AnnalsMigrations

/// Where projections live: each table in two generations (`proj/records/state#0`, `…#1`). The
/// live generation, the version that built it and the log position it reflects are kept in
/// `proj/meta`, written in the same transaction as the data. A rebuild fills the other generation
/// and switches over in one transaction, so the old one serves reads until then.
struct ProjectionCatalog {
    /// The projections this catalog keeps.
    let registry: ProjectionRegistry
    let meta: Database
    private let tables: [String: Database]
    private let lookups: CatalogLookups

    /// Tables of earlier projection versions that this one no longer keeps, where a store still
    /// has them: a rebuild empties them.
    let retired: [Database]

    init(environment: Environment, registry: ProjectionRegistry) throws {
        self.registry = registry
        meta = try environment.database("proj/meta")
        var tables: [String: Database] = [:]
        for projection in registry.all {
            for table in projection.tables {
                for generation in 0...1 {
                    let name = Self.name(projection.name, table.name, generation)
                    do {
                        tables[name] = try environment.database(name, create: !environment.options.readOnly, layout: table.layout)
                    } catch let error as LMDBError where error.code == .notFound && environment.options.readOnly {
                        // A table this version added, in a store opened read-only that an earlier
                        // version wrote: its projection is stale, so no reader reaches the table.
                    }
                }
            }
        }
        self.tables = tables
        lookups = CatalogLookups(registry: registry, tables: tables)
        retired = ["proj/search/words#0", "proj/search/words#1"].compactMap { try? environment.database($0, create: false) }
            + ["proj/search/postings#0", "proj/search/postings#1"].compactMap {
                try? environment.database($0, create: false, layout: [.sortedSet, .fixedSizeValues])
            }
    }

    static func name(_ projection: ProjectionName, _ table: String, _ generation: Int) -> String {
        "proj/\(projection.rawValue)/\(table)#\(generation)"
    }

    /// One table of one generation. Every registered projection's tables are opened with the
    /// catalog, so a name the registry does not declare is a bug, reported as an error.
    func table(_ projection: ProjectionName, _ table: String, generation: Int) throws -> Database {
        // The look-ups made when the catalog opened, so no name is built: every commit reads the
        // record states' table through here.
        if let made = lookups.named[projection], made.indices.contains(generation) { return try made[generation](table) }
        guard let database = tables[Self.name(projection, table, generation)] else {
            throw ProjectionError.undeclaredTable(projection: projection.rawValue, table: table)
        }
        return database
    }

    /// The tables of one generation of `projection`, in the order it declares them.
    func tables(of projection: ProjectionName, generation: Int) throws -> [Database] {
        try (registry.projection(named: projection)?.tables ?? []).map { try table(projection, $0.name, generation: generation) }
    }

    /// The same, by name, as `Projection.apply` takes them.
    func namedTables(of projection: ProjectionName, generation: Int) throws -> ProjectionTables {
        if let made = lookups.named[projection], made.indices.contains(generation) { return made[generation] }
        guard let declared = registry.projection(named: projection) else { return ProjectionTables(projection: projection, databases: [:]) }
        return try CatalogLookups.namedTables(of: declared, generation: generation, in: tables)
    }

    // MARK: - Meta

    func generation(_ projection: ProjectionName, in txn: Transaction) throws -> Int {
        Int(try txn.get(meta, lookups.keys(projection).generation)?.first ?? 0)
    }

    func version(_ projection: ProjectionName, in txn: Transaction) throws -> UInt32? {
        try txn.get(meta, lookups.keys(projection).version).map { UInt32(truncatingIfNeeded: readBigEndian($0[...])) }
    }

    func position(_ projection: ProjectionName, in txn: Transaction) throws -> UInt64 {
        try txn.get(meta, lookups.keys(projection).position).map { readBigEndian($0[...]) } ?? 0
    }

    func setState(_ projection: ProjectionName, generation: Int, position: UInt64, in txn: WriteTransaction) throws {
        let keys = lookups.keys(projection)
        try txn.put(meta, keys.generation, [UInt8(generation)])
        try txn.put(meta, keys.version, bigEndian(registry.version(of: projection)))
        try txn.put(meta, keys.position, bigEndian(position))
    }

    func setPosition(_ projection: ProjectionName, _ position: UInt64, in txn: WriteTransaction) throws {
        try txn.put(meta, lookups.keys(projection).position, bigEndian(position))
    }
}

/// What the catalog looks up on every commit, made once when it opens: each projection's tables
/// by name, per generation, and its keys in `proj/meta`. Building the names on each commit took
/// a tenth of a single edit's own work.
private struct CatalogLookups {
    /// `namedTables` of each projection whose tables of both generations all opened.
    let named: [ProjectionName: [ProjectionTables]]
    private let metaKeys: [ProjectionName: MetaKeys]

    init(registry: ProjectionRegistry, tables: [String: Database]) {
        var named: [ProjectionName: [ProjectionTables]] = [:]
        for projection in registry.all {
            // A projection with a table missing is left to `namedTables`, which names the missing one.
            named[projection.name] = try? (0...1).map { try Self.namedTables(of: projection, generation: $0, in: tables) }
        }
        self.named = named
        metaKeys = Dictionary(uniqueKeysWithValues: registry.names.map { ($0, MetaKeys($0)) })
    }

    func keys(_ projection: ProjectionName) -> MetaKeys { metaKeys[projection] ?? MetaKeys(projection) }

    static func namedTables(of projection: any Projection, generation: Int, in tables: [String: Database]) throws -> ProjectionTables {
        var databases: [String: Database] = [:]
        for table in projection.tables {
            guard let database = tables[ProjectionCatalog.name(projection.name, table.name, generation)] else {
                throw ProjectionError.undeclaredTable(projection: projection.name.rawValue, table: table.name)
            }
            databases[table.name] = database
        }
        return ProjectionTables(projection: projection.name, databases: databases)
    }
}

/// The keys of a projection's entries in `proj/meta`: `name/generation`, `name/version`, `name/position`.
private struct MetaKeys {
    let generation: [UInt8], version: [UInt8], position: [UInt8]

    init(_ projection: ProjectionName) {
        func key(_ field: String) -> [UInt8] { Array("\(projection.rawValue)/\(field)".utf8) }
        (generation, version, position) = (key("generation"), key("version"), key("position"))
    }
}
