import AnnalsCore
import AnnalsLMDB
import AnnalsRecords

extension ProjectionName {
    /// Per-year totals and their history of changes (for "as of" queries).
    public static let aggregates = ProjectionName("aggregates")
}

/// `totals`: per cell (family, year, dimensions) the count of records and the exact sum;
/// `deltas`: per log position, the cells its event moved and by how much, appended in log order,
/// so an aggregate as of any position is the totals less what came after it.
struct AggregatesProjection: Projection {
    let name = ProjectionName.aggregates
    /// 2: the history is keyed by position, one event per event; 3: `views` counts only records
    /// with a view count.
    let version: UInt32 = 3
    static let totalsTable = "totals", historyTable = "deltas"
    let tables = [ProjectionTable(name: totalsTable), ProjectionTable(name: historyTable)]

    /// A new record's cells.
    func prepare(created state: RecordState, number: UInt64) -> (any Sendable)? { Contributions.of(state) }

    func apply(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws {
        let totalsTable = try tables(Self.totalsTable), history = try tables(Self.historyTable)
        var totals: [AggregateKey: AggregateValue] = [:]
        // What each record's latest state adds, so consecutive changes of one record compute it once.
        var contributions: [RecordID: [AggregateKey: AggregateValue]] = [:]
        for change in batch.changes {
            let old = contributions[change.id] ?? Contributions.of(change.before)
            let now = change.derived(by: name, as: [AggregateKey: AggregateValue].self) ?? Contributions.of(change.after)
            var deltas: [AggregateKey: AggregateValue] = [:]
            for (key, value) in old { deltas[key, default: .zero] = deltas[key, default: .zero] - value }
            for (key, value) in now { deltas[key, default: .zero] = deltas[key, default: .zero] + value }
            deltas[Contributions.edit(change.event, kind: change.kind), default: .zero].count += 1
            deltas = deltas.filter { !$0.value.isZero }
            if !deltas.isEmpty {
                // Positions only grow, in a rebuild as in an append: the history is appended.
                try txn.put(history, bigEndian(change.event.position), AggregateChanges.encode(deltas), options: .append)
                for (key, delta) in deltas { totals[key, default: .zero] = totals[key, default: .zero] + delta }
            }
            contributions[change.id] = now
        }
        for (key, delta) in totals.sorted(by: { $0.key < $1.key }) where !delta.isZero {
            let keyBytes = key.bytes
            let updated = (try txn.get(totalsTable, keyBytes).map(AggregateValue.init(bytes:)) ?? .zero) + delta
            if updated.isZero { try txn.delete(totalsTable, keyBytes) } else { try txn.put(totalsTable, keyBytes, updated.bytes) }
        }
    }
}
