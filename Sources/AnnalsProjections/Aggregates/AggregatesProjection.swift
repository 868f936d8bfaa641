import AnnalsCore
import AnnalsLMDB
import AnnalsRecords

extension ProjectionName {
    /// Per-year totals and their history of changes (for "as of" queries).
    public static let aggregates = ProjectionName("aggregates")
}

/// `totals`: per cell (family, year, dimensions) its number, the count of records and the exact
/// sum; `cells`: cell number → cell key; `deltas`: per log position, the cells its event moved
/// (by number) and by how much, appended in log order, so an aggregate as of any position is the
/// totals less what came after it. Values are compact binary (`AggregateFormat`).
///
/// A cell's number is given at its first appearance in log order and kept while its total is
/// zero, so numbers do not depend on where batches begin and end.
struct AggregatesProjection: Projection {
    let name = ProjectionName.aggregates
    /// 2: the history is keyed by position, one event per event; 3: `views` counts only records
    /// with a view count; 4: binary values, cells by number.
    let version: UInt32 = 4
    static let totalsTable = "totals", cellsTable = "cells", historyTable = "deltas"
    let tables = [ProjectionTable(name: totalsTable), ProjectionTable(name: cellsTable), ProjectionTable(name: historyTable)]

    /// A new record's cells.
    func prepare(created state: RecordState, number: UInt64) -> (any Sendable)? { Contributions.of(state) }

    func apply(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws {
        let totalsTable = try tables(Self.totalsTable), cells = try tables(Self.cellsTable), history = try tables(Self.historyTable)
        // The cells this batch moves: their number and total as of now.
        var touched: [AggregateKey: AggregateFormat.Total] = [:]
        var nextNumber = UInt64(try txn.count(cells))
        func total(_ key: AggregateKey) throws -> AggregateFormat.Total {
            if let known = touched[key] { return known }
            if let stored = try txn.get(totalsTable, key.bytes) { return try AggregateFormat.total(stored, key: key) }
            defer { nextNumber += 1 }
            try txn.put(cells, bigEndian(UInt32(nextNumber)), key.bytes, options: .append)
            return AggregateFormat.Total(number: nextNumber, value: .zero)
        }
        // What each record's latest state adds, so consecutive changes of one record compute it once.
        var contributions: [RecordID: [AggregateKey: AggregateValue]] = [:]
        for change in batch.changes {
            let old = contributions[change.id] ?? Contributions.of(change.before)
            let now = change.derived(by: name, as: [AggregateKey: AggregateValue].self) ?? Contributions.of(change.after)
            var deltas: [AggregateKey: AggregateValue] = [:]
            for (key, value) in old { deltas[key, default: .zero] = deltas[key, default: .zero] - value }
            for (key, value) in now { deltas[key, default: .zero] = deltas[key, default: .zero] + value }
            deltas[Contributions.edit(change.event, kind: change.kind), default: .zero].count += 1
            var entry = ByteWriter()
            for (key, delta) in deltas.sorted(by: { $0.key < $1.key }) where !delta.isZero {
                var cell = try total(key)
                cell.value = cell.value + delta
                touched[key] = cell
                AggregateFormat.appendDelta(number: cell.number, delta, to: &entry)
            }
            if !entry.bytes.isEmpty {
                // Positions only grow, in a rebuild as in an append: the history is appended.
                try txn.put(history, bigEndian(change.event.position), entry.bytes, options: .append)
            }
            contributions[change.id] = now
        }
        for (key, cell) in touched.sorted(by: { $0.key < $1.key }) {
            try txn.put(totalsTable, key.bytes, AggregateFormat.encode(cell))
        }
    }
}
