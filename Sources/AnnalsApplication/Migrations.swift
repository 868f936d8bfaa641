public import AnnalsCore
import AnnalsLMDBLog
import AnnalsMigrations
import AnnalsProjections
public import AnnalsRecords
import Foundation

/// What `annals migrate` would do, or did.
public struct MigrationPlan: Encodable, Sendable {
    public struct Step: Encodable, Sendable {
        public let id: String
        public let description: String
        /// The projections this step makes stale.
        public let rebuilds: [String]
    }

    /// The store's format (before the migration, in a plan).
    public let format: UInt32
    /// The format this annals writes.
    public let currentFormat: UInt32
    public let pending: [Step]
    /// Every projection to rebuild: those the steps affect and those already stale.
    public let rebuilds: [String]

    private enum CodingKeys: String, CodingKey { case format, pending, rebuilds }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(pending.map(\.id), forKey: .pending)
        try container.encode(rebuilds, forKey: .rebuilds)
    }
}

/// A stored event the current upcasters cannot bring to the current schema.
public struct UpcastFailure: Encodable, Sendable {
    public let position: UInt64
    public let type: String
    public let schemaVersion: UInt32
    public let problem: String
}

/// Store-format migrations and upcast checks. They open the store themselves: an older format is
/// exactly what the ordinary open refuses.
public enum StoreMigrations {
    /// The plan for the store at `path`, reading only.
    public static func plan(at path: String) throws -> MigrationPlan {
        let log = try openLog(path, readOnly: true)
        defer { log.close() }
        return try plan(for: log)
    }

    /// Applies the pending store-format migrations, each in its own transaction and recorded in the
    /// store (an interrupted run is completed by the next), then rebuilds what they affect and what
    /// was stale. `applied` is called after each step. Returns the plan it carried out.
    public static func migrate(at path: String, applied: (String) -> Void = { _ in },
                               rebuilding: ((UInt64, UInt64) -> Void)? = nil) throws -> (plan: MigrationPlan, rebuilt: RebuildResult?, format: UInt32) {
        let log = try openLog(path, readOnly: false)
        defer { log.close() }
        let plan = try plan(for: log)
        let migrator = StoreMigrator(try MigrationSet.embedded())
        for migration in migrator.pending(for: log) {
            try migrator.apply(migration, to: log)
            applied(migration.id)
        }
        let store = try ProjectedStore(log: log)
        let names = Set(plan.rebuilds.compactMap(store.registry.name))
        var rebuilt: RebuildResult?
        if !names.isEmpty {
            let report = try store.maintenance.rebuild(names, progress: rebuilding)
            rebuilt = RebuildResult(projections: report.projections.map(\.rawValue), events: report.events, seconds: report.seconds)
        }
        return (plan, rebuilt, log.format)
    }

    /// Decodes every stored event through the current upcasters, writing nothing; returns the
    /// failures and how many events were checked.
    public static func checkUpcasts(at path: String) throws -> (checked: Int, failures: [UpcastFailure]) {
        let log = try openLog(path, readOnly: true)
        defer { log.close() }
        let upcaster = try Upcaster.embedded()
        var checked = 0
        var failures: [UpcastFailure] = []
        try log.forEachEvent { stored in
            checked += 1
            do {
                try decode(upcaster.upcast(stored))
            } catch {
                failures.append(UpcastFailure(position: stored.position, type: stored.type, schemaVersion: stored.schemaVersion, problem: "\(error)"))
            }
            return true
        }
        return (checked, failures)
    }

    /// Decodes an event's payload as its record type's current schema says.
    private static func decode(_ event: RecordedEvent) throws {
        guard let (type, kind) = EditKind.parse(event.type) else { return }
        let payload = try JSONValue.parse(event.payload)
        switch kind {
        case .created:
            guard let document = payload["record"] else { throw ApplicationError("no record in the payload") }
            _ = try Record.decode(document, as: type)
        case .corrected: _ = try RecordPayload.changes(in: payload)
        case .linked, .unlinked: _ = try RecordPayload.linkEnds(in: payload)
        case .retracted, .restored: break
        }
    }

    private static func openLog(_ path: String, readOnly: Bool) throws -> LMDBEventLog {
        let log = try LMDBEventLog.openExisting(at: path, readOnly: readOnly, openingOlderFormat: true)
        let migrator = StoreMigrator(try MigrationSet.embedded())
        if let unknown = try migrator.unknownApplied(in: log).first {
            log.close()
            throw ApplicationError("the store was migrated by a newer annals (migration \(unknown)); upgrade annals, the store was not touched")
        }
        return log
    }

    private static func plan(for log: LMDBEventLog) throws -> MigrationPlan {
        let pending = StoreMigrator(try MigrationSet.embedded()).pending(for: log)
        var rebuilds = Set<String>()
        let steps = pending.map { migration -> MigrationPlan.Step in
            var names: [String] = []
            if case .storeFormat(_, _, _, let affected) = migration.kind { names = affected }
            rebuilds.formUnion(names)
            return MigrationPlan.Step(id: migration.id, description: migration.description, rebuilds: names)
        }
        rebuilds.formUnion(try ProjectionsState.status(of: log).filter(\.isStale).map(\.projection.rawValue))
        return MigrationPlan(format: log.format, currentFormat: LMDBEventLog.formatVersion, pending: steps,
                             rebuilds: ProjectionRegistry.standard.names.map(\.rawValue).filter(rebuilds.contains))
    }
}
