import AnnalsCore
import AnnalsLMDB
import AnnalsProjections

/// A projection written outside Annals, as a caller would write one: how many record changes each
/// actor made. One table, `counts`: the actor's name → its count, 8 bytes big-endian.
extension ProjectionName {
    static let editsByActor = ProjectionName("edits-by-actor")
}

struct EditsByActorProjection: Projection {
    static let countsTable = "counts"

    let name = ProjectionName.editsByActor
    let version: UInt32 = 1
    let tables = [ProjectionTable(name: countsTable)]

    func apply(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws {
        let counts = try tables(Self.countsTable)
        for change in batch.changes {
            let key = Array(change.event.metadata.actor.utf8)
            let count = try txn.get(counts, key).flatMap { decodeUInt64($0[...]) } ?? 0
            try txn.put(counts, key, bigEndian(count + 1))
        }
    }
}

extension ProjectionRegistry {
    /// Annals' projections and the test's own.
    static func withEditsByActor() throws -> ProjectionRegistry {
        try ProjectionRegistry.standard.adding(EditsByActorProjection())
    }
}
