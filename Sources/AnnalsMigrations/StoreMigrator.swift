public import AnnalsCore
public import AnnalsLMDBLog
import AnnalsRecords

/// Applies store-format migrations: each in its own write transaction, recorded in the store's
/// meta database in that same transaction, so a crash leaves either the old format or the new one,
/// and running again completes what is pending.
public struct StoreMigrator: Sendable {
    public let migrations: MigrationSet

    public init(_ migrations: MigrationSet) { self.migrations = migrations }

    /// The store-format migrations a log still needs, in order.
    public func pending(for log: LMDBEventLog) -> [Migration] {
        migrations.storeFormatMigrations.filter {
            if case .storeFormat(let from, _, _, _) = $0.kind { return from >= log.format }
            return false
        }
    }

    /// Migrations recorded in the store that this binary does not know: the store was migrated by
    /// a newer annals, and an older one must not write to it.
    public func unknownApplied(in log: LMDBEventLog) throws -> [String] {
        let known = Set(migrations.migrations.map(\.id))
        return try log.appliedMigrations().keys.filter { !known.contains($0) }.sorted()
    }

    /// Applies one pending migration.
    public func apply(_ migration: Migration, to log: LMDBEventLog) throws {
        guard case .storeFormat(_, _, let step, _) = migration.kind else { return }
        switch step {
        case "log-by-type-index": try log.upgradeToFormat2(recording: migration.id)
        default:
            throw RecordError.invalidField(field: "migration \(migration.id)", value: step, fix: "this annals has no code for the step; upgrade annals")
        }
    }

    /// Records every store-format migration up to the log's format as applied (for a new store,
    /// created at the newest format).
    public func recordCurrent(in log: LMDBEventLog) throws {
        for migration in migrations.storeFormatMigrations {
            if case .storeFormat(_, let to, _, _) = migration.kind, to <= log.format { try log.recordMigration(migration.id) }
        }
    }
}
