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

    /// A new record's cells, and what its create moves: those cells and its edit cell, in key order.
    func prepare(created state: RecordState, number: UInt64) -> (any Sendable)? { CreatedCells(state) }

    func apply(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws {
        let totalsTable = try tables(Self.totalsTable), cells = try tables(Self.cellsTable), history = try tables(Self.historyTable)
        // The cells this batch moves: their number and total as of now.
        var touched: [AggregateKey: AggregateFormat.Total] = [:]
        var nextNumber = UInt64(try txn.count(cells))
        func move(_ key: AggregateKey, by delta: AggregateValue, into entry: inout ByteWriter) throws {
            let number: UInt64
            if let index = touched.index(forKey: key) {
                number = touched.values[index].number
                touched.values[index].value = touched.values[index].value + delta
            } else {
                var cell: AggregateFormat.Total
                if let stored = try txn.get(totalsTable, key.bytes) {
                    cell = try AggregateFormat.total(stored, key: key)
                } else {
                    try txn.put(cells, bigEndian(UInt32(nextNumber)), key.bytes, options: .append)
                    cell = AggregateFormat.Total(number: nextNumber, value: .zero)
                    nextNumber += 1
                }
                number = cell.number
                cell.value = cell.value + delta
                touched[key] = cell
            }
            AggregateFormat.appendDelta(number: number, delta, to: &entry)
        }
        // What each record's latest state adds (by record number), so consecutive changes of one
        // record compute it once.
        var contributions: [UInt64: [AggregateKey: AggregateValue]] = [:]
        for change in batch.changes {
            let ahead = change.derived(by: name, as: CreatedCells.self)
            var entry = ByteWriter()
            // The record's cells after the change, when worked out (nil: as they were).
            let now: [AggregateKey: AggregateValue]?
            if let ahead, change.before == nil, contributions[change.number] == nil {
                // A create, its deltas worked out ahead.
                now = ahead.cells
                for (key, delta) in ahead.moves { try move(key, by: delta, into: &entry) }
            } else if let before = change.before, Contributions.same(before, change.after) {
                // A change of other fields (a title, a body, a link): only its edit cell moves, and
                // the record's cells, known or not, stay what they were.
                now = nil
                try move(Contributions.edit(change.event, kind: change.kind), by: AggregateValue(count: 1, sum: .zero), into: &entry)
            } else {
                let old = contributions[change.number] ?? Contributions.of(change.before)
                let cells = ahead?.cells ?? Contributions.of(change.after)
                now = cells
                var deltas = Contributions.difference(from: old, to: cells)
                deltas[Contributions.edit(change.event, kind: change.kind), default: .zero].count += 1
                for (key, delta) in deltas.sorted(by: { $0.key < $1.key }) where !delta.isZero { try move(key, by: delta, into: &entry) }
            }
            if !entry.bytes.isEmpty {
                // Positions only grow, in a rebuild as in an append: the history is appended.
                try txn.put(history, bigEndian(change.event.position), entry.bytes, options: .append)
            }
            if let now { contributions[change.number] = now }
        }
        for (key, cell) in touched.sorted(by: { $0.key < $1.key }) {
            try txn.put(totalsTable, key.bytes, AggregateFormat.encode(cell))
        }
    }
}

/// What a create moves in the aggregates, worked out from the new record alone (ahead, on another
/// core, in rebuilds and catch-ups): its cells, and the changes its create makes, in key order.
struct CreatedCells: Sendable {
    let cells: [AggregateKey: AggregateValue]
    let moves: [(key: AggregateKey, delta: AggregateValue)]

    init(_ state: RecordState) {
        cells = Contributions.of(state)
        // The cells, and the create's edit cell (when and by whom the record was created), built as
        // one list: a copy of the cells, filtered and sorted, took four allocations more per create.
        var moves: [(key: AggregateKey, delta: AggregateValue)] = []
        moves.reserveCapacity(cells.count + 1)
        for (key, value) in cells where !value.isZero { moves.append((key, value)) }
        let edit = Contributions.edit(recordedAt: state.createdAt, actor: state.createdBy, kind: .created)
        if let known = moves.firstIndex(where: { $0.key == edit }) {
            moves[known].delta.count += 1
            if moves[known].delta.isZero { moves.remove(at: known) }
        } else {
            moves.append((edit, AggregateValue(count: 1, sum: .zero)))
        }
        moves.sort { $0.key < $1.key }
        self.moves = moves
    }
}
