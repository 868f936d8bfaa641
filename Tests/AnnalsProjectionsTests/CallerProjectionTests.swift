import AnnalsCore
import AnnalsLMDB
import AnnalsProjections
import AnnalsRecords
import Testing

/// A projection defined here, outside the projections module (`EditsByActor/`), is kept, rebuilt,
/// verified and read through the public API alone: adding one is its folder plus a registry entry.
@Suite("A caller's own projection")
struct CallerProjectionTests {
    /// The record changes each actor made, counted from the log itself.
    static func changesByActor(_ store: ProjectedStore) throws -> [String: UInt64] {
        var counts: [String: UInt64] = [:]
        for event in try store.events.readLog(from: 1, limit: .max) where EditKind.parse(event.type) != nil {
            counts[event.metadata.actor, default: 0] += 1
        }
        return counts
    }

    @Test("it joins every append, rebuilds in any chunk size, and verify checks it like Annals' own")
    func keptRebuiltVerified() throws {
        let w = try ProjectedWorkspace(registry: .withEditsByActor())
        try w.importSeedFacts(actor: "importer")
        let article = try #require(try RecordsReader(w.store).list(.article).first).id
        for day in 1...3 {
            w.clock.advance(days: 1)
            try w.editor.correct(article, set: [(FieldPath("viewCount.count"), .integer(Int64(100 * day)))], context: edit("lan", "recount \(day)"))
        }
        let expected = try Self.changesByActor(w.store)
        #expect(expected["importer", default: 0] >= 6 && expected["lan"] == 3, "\(expected)")
        let reader = EditsByActorReader(store: w.store)
        for (actor, count) in expected { #expect(try reader.count(actor) == count, "\(actor)") }
        #expect(try reader.count("nobody") == 0)
        #expect(try w.store.maintenance.verifyProjections() == [])

        let report = try w.store.maintenance.rebuild(chunkSize: 2)
        #expect(report.projections.contains(.editsByActor) && report.events > 0)
        for (actor, count) in expected { #expect(try reader.count(actor) == count, "\(actor) after a rebuild") }

        // A wrong count in its live table is caught by verify, and a rebuild of it alone mends it.
        try w.store.environment.write { txn in
            let counts = try w.store.projections.liveTables(of: .editsByActor, in: txn)(EditsByActorProjection.countsTable)
            try txn.put(counts, Array("lan".utf8), bigEndian(UInt64(99)))
        }
        #expect(try w.store.maintenance.verifyProjections() == [ProjectionName.editsByActor])
        try w.store.maintenance.rebuild([ProjectionName.editsByActor])
        #expect(try reader.count("lan") == 3)
        #expect(try w.store.maintenance.verifyProjections() == [])
    }

    @Test("a store that never kept it, or was opened without it, reports it stale until a rebuild of it alone")
    func addedToAnExistingStore() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts(actor: "importer")
        try w.reopen(registry: .withEditsByActor())
        let status = try #require(try w.store.projections.status().first { $0.projection == ProjectionName.editsByActor })
        #expect(status.isStale && status.builtBy == nil)
        #expect(throws: ProjectionError.self) { try EditsByActorReader(store: w.store).count("importer") }
        try w.store.maintenance.rebuild([ProjectionName.editsByActor])
        #expect(try EditsByActorReader(store: w.store).count("importer") == Self.changesByActor(w.store)["importer"])
        #expect(try w.store.projections.stale().isEmpty)

        // Opened without it while an edit lands, the store leaves it behind: it is stale, edits
        // are refused, and a rebuild of it alone brings it level.
        try w.reopen()
        let article = try #require(try RecordsReader(w.store).list(.article).first).id
        try w.editor.correct(article, set: [(FieldPath("viewCount.count"), .integer(7))], context: edit("lan", "recount"))
        try w.reopen(registry: .withEditsByActor())
        let behind = try w.store.projections.stale()
        #expect(behind.count == 1 && "\(behind[0])".contains("the edits-by-actor projection reflects log position"), "\(behind)")
        #expect(throws: ProjectionError.self) { try w.editor.correct(article, set: [(FieldPath("viewCount.count"), .integer(8))], context: edit("lan", "again")) }
        try w.store.maintenance.rebuild([ProjectionName.editsByActor])
        #expect(try EditsByActorReader(store: w.store).count("lan") == 1)
        #expect(try w.store.maintenance.verifyProjections() == [])
    }

    @Test("a second projection of a taken name, or one with no table, is refused")
    func refusedRegistrations() throws {
        let registry = try ProjectionRegistry.withEditsByActor()
        #expect(registry.names.last == ProjectionName.editsByActor && registry.names.count == ProjectionRegistry.standard.names.count + 1)
        #expect(throws: ProjectionError.invalidProjection(name: "edits-by-actor", problem: "the name is taken")) {
            try registry.adding(EditsByActorProjection())
        }
        #expect(throws: ProjectionError.invalidProjection(name: "tableless", problem: "it declares no table")) {
            try registry.adding(TablelessProjection())
        }
    }
}

/// A projection that declares no table: nothing a store could keep.
private struct TablelessProjection: Projection {
    let name = ProjectionName("tableless")
    let version: UInt32 = 1
    let tables: [ProjectionTable] = []

    func apply(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws {}
}
