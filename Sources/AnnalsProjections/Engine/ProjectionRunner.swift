import AnnalsCore
import AnnalsLMDB
import AnnalsMigrations

/// Applies events to one generation of each projection in scope, inside a caller's write
/// transaction: the batch (upcast events, record states before and after) is built once and
/// every projection's `apply` reads it.
///
/// For the live generations (`checkpointed`), each projection's checkpoint moves to the batch's
/// last position in the same transaction as its tables, and events at or below the checkpoint
/// are skipped: an event is applied exactly once whatever crashes and retries come between.
struct ProjectionRunner {
    let catalog: ProjectionCatalog
    let upcaster: Upcaster
    /// The generation written for each projection in scope. `records` is always in scope: every
    /// batch reads the states before it from there.
    let generations: [ProjectionName: Int]
    /// True for the live generations, whose checkpoints move with what they apply.
    let checkpointed: Bool
    /// Where the create events of records whose state leaves its document there are read.
    let creates: CreateEventSource
    /// The projections a rebuild builds in bulk, with what each holds (see `BulkProjection`):
    /// their batches go to the collector instead of `apply`.
    var collectors: [ProjectionName: any BulkCollector] = [:]

    /// A runner over the live generation of every projection.
    static func live(_ catalog: ProjectionCatalog, upcaster: Upcaster, creates: CreateEventSource, in txn: Transaction) throws -> ProjectionRunner {
        var generations: [ProjectionName: Int] = [:]
        for projection in catalog.registry.names { generations[projection] = try catalog.generation(projection, in: txn) }
        return ProjectionRunner(catalog: catalog, upcaster: upcaster, generations: generations, checkpointed: true, creates: creates)
    }

    /// The position the live projections reflect (see `checkpoint(in:)`).
    static func livePosition(_ catalog: ProjectionCatalog, in txn: Transaction) throws -> UInt64 {
        try position(of: catalog.registry.names, catalog, in: txn)
    }

    /// The position the projections in scope reflect. They advance together; differing checkpoints
    /// (a store damaged, or written by a buggy tool) are refused rather than half-applied.
    func checkpoint(in txn: Transaction) throws -> UInt64 {
        try Self.position(of: Array(generations.keys), catalog, in: txn)
    }

    private static func position(of projections: [ProjectionName], _ catalog: ProjectionCatalog, in txn: Transaction) throws -> UInt64 {
        let positions = try projections.map { try catalog.position($0, in: txn) }
        guard let first = positions.first else { return 0 }
        guard positions.allSatisfy({ $0 == first }) else {
            throw ProjectionError.checkpointsDiverge(positions: Dictionary(zip(projections.map(\.rawValue), positions), uniquingKeysWith: { a, _ in a }))
        }
        return first
    }

    /// Writes what the bulk collectors hold, inside `txn`, stopping once it has put `stopAfterBytes`;
    /// true when all is written. Call `collectorsWritten` once `txn` committed.
    func writeCollected(in txn: WriteTransaction, stopAfterBytes: Int = .max) throws -> Bool {
        for (projection, collector) in collectors.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            guard let generation = generations[projection] else { continue }
            guard try collector.write(to: catalog.namedTables(of: projection, generation: generation), in: txn, stopAfterBytes: stopAfterBytes) else { return false }
        }
        return true
    }

    /// Roughly the bytes the bulk collectors hold.
    var collectedBytes: Int { collectors.values.reduce(0) { $0 + $1.heldBytes } }

    func collectorsWritten() { collectors.values.forEach { $0.written() } }

    /// Applies `events` (consecutive, in log order, as stored). Checkpointed runners skip what
    /// they already hold.
    func apply(_ events: [RecordedEvent], in txn: WriteTransaction) throws {
        try apply(prepared: PreparedEvent.prepare(events, upcaster: upcaster, registry: catalog.registry), in: txn)
    }

    /// Applies events prepared ahead (`PreparedEvent`), consecutive and in log order.
    func apply(prepared: [PreparedEvent], in txn: WriteTransaction) throws {
        var events = prepared[...]
        if checkpointed {
            let done = try checkpoint(in: txn)
            events = events.drop { $0.event.position <= done }
            if let first = events.first, first.event.position != done + 1 {
                throw ProjectionError.checkpointsDiverge(positions: ["projections": done, "next event": first.event.position])
            }
        }
        guard let last = events.last?.event, let recordsGeneration = generations[.records] else { return }
        let states = try RecordsProjection.states(catalog, generation: recordsGeneration)
        let documents = CreatedDocuments(source: creates, upcaster: upcaster, txn: txn)
        let batch = try ProjectionBatch.build(Array(events)) { id in
            try RecordsProjection.stored(id, in: states, documents: documents)
        }
        for projection in catalog.registry.all {
            guard let generation = generations[projection.name] else { continue }
            let tables = try catalog.namedTables(of: projection.name, generation: generation)
            if let collector = collectors[projection.name] {
                try collector.collect(batch, to: tables, in: txn)
            } else {
                try projection.apply(batch, to: tables, in: txn)
            }
            if checkpointed { try catalog.setPosition(projection.name, last.position, in: txn) }
        }
    }
}
