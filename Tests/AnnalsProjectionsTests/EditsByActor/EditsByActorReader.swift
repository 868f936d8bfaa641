import AnnalsCore
import AnnalsProjections

/// The caller's projection's one query, reading only its own table through the public API.
struct EditsByActorReader {
    let store: ProjectedStore

    /// The record changes `actor` made, as the live projection holds them.
    func count(_ actor: String) throws -> UInt64 {
        try store.environment.read { txn in
            let counts = try store.projections.liveTables(of: .editsByActor, in: txn)(EditsByActorProjection.countsTable)
            return try txn.get(counts, Array(actor.utf8)).flatMap { decodeUInt64($0[...]) } ?? 0
        }
    }
}
