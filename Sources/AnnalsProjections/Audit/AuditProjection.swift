import AnnalsCore
import AnnalsLMDB

extension ProjectionName {
    /// The audit index of events by actor.
    public static let audit = ProjectionName("audit")
}

/// `by-actor`: `actor ‖ 0 ‖ position` for every event, so "what did this person do" reads one
/// key range instead of the log.
struct AuditProjection: Projection {
    let name = ProjectionName.audit
    let version: UInt32 = 1
    static let byActorTable = "by-actor"
    let tables = [ProjectionTable(name: byActorTable)]

    func apply(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws {
        let byActor = try tables(Self.byActorTable)
        for event in batch.events {
            try txn.put(byActor, Self.key(actor: event.metadata.actor, position: event.position), [])
        }
    }

    static func key(actor: String, position: UInt64) -> [UInt8] {
        var key = Array(actor.utf8) + [0]
        key += bigEndian(position)
        return key
    }
}
