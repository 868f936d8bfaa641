import AnnalsCore
import AnnalsLMDB

extension ProjectionName {
    /// The audit index of log entries by actor.
    public static let audit = ProjectionName(declaring: "audit")
}

/// `by-actor`: `actor ‖ 0 ‖ position` for every log entry, so "what did this person do" reads one
/// key range instead of the log.
struct AuditProjection: Projection {
    let name = ProjectionName.audit
    let version: UInt32 = 1
    let tables = [ProjectionTable(name: "by-actor")]

    func apply(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws {
        let byActor = try tables("by-actor")
        for entry in batch.entries {
            try txn.put(byActor, Self.key(actor: entry.metadata.actor, position: entry.position), [])
        }
    }

    static func key(actor: String, position: UInt64) -> [UInt8] {
        var key = Array(actor.utf8) + [0]
        key += bigEndian(position)
        return key
    }
}
