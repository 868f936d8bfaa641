public import AnnalsCore
import AnnalsLMDB
public import AnnalsRecords

/// The aggregates projection's queries: the per-year cells now, as of any log position, on the
/// effective axis, and their changes between two moments. Only this folder knows its tables.
public struct AggregatesReader {
    let store: ProjectedStore

    public init(_ store: ProjectedStore) { self.store = store }

    /// The per-year aggregates now, or as the store knew them at log position `asOf` (inclusive),
    /// sorted by key. `year` and `family` narrow the result. The past costs a read of the shorter
    /// side of the history: what came before `asOf`, or what came after it taken back from the
    /// totals.
    public func cells(asOf position: UInt64? = nil, year: Int? = nil, family: AggregateFamily? = nil) throws -> [AggregateRow] {
        try store.environment.read { txn in
            try store.projections.requireFresh([.aggregates], in: txn)
            let generation = try store.catalog.generation(.aggregates, in: txn)
            let history = try store.catalog.table(.aggregates, AggregatesProjection.historyTable, generation: generation)
            let cellsTable = try store.catalog.table(.aggregates, AggregatesProjection.cellsTable, generation: generation)
            var rows: [AggregateKey: AggregateValue] = [:]
            var cells: [UInt64: AggregateKey] = [:]
            func cell(_ number: UInt64) throws -> AggregateKey {
                if let known = cells[number] { return known }
                guard let bytes = try txn.get(cellsTable, bigEndian(UInt32(truncatingIfNeeded: number))), let key = AggregateKey(bytes: bytes) else {
                    throw ProjectionError.damaged(projection: "aggregates", part: "aggregate cell", value: "number \(number)", problem: nil)
                }
                cells[number] = key
                return key
            }
            /// Adds, or with `takingBack` subtracts, what each event from `start` to `end` moved.
            func replay(from start: [UInt8]?, to end: [UInt8]?, takingBack: Bool) throws {
                try txn.scan(history, from: start, to: end) { entry in
                    for (number, delta) in try AggregateFormat.deltas(entry.value, position: readBigEndian(entry.key[...])) {
                        let key = try cell(number)
                        guard Self.wanted(key, year, family) else { continue }
                        rows[key] = takingBack ? (rows[key] ?? .zero) - delta : (rows[key] ?? .zero) + delta
                    }
                    return true
                }
            }
            let head = try store.catalog.position(.aggregates, in: txn)
            if let position, position < head / 2 {
                try replay(from: nil, to: bigEndian(position + 1), takingBack: false)
            } else {
                try txn.scan(try store.catalog.table(.aggregates, AggregatesProjection.totalsTable, generation: generation)) { entry in
                    if let key = AggregateKey(bytes: entry.key), Self.wanted(key, year, family) {
                        rows[key] = try AggregateFormat.total(entry.value, key: key).value
                    }
                    return true
                }
                if let position, position < head { try replay(from: bigEndian(position + 1), to: nil, takingBack: true) }
            }
            return rows.filter { !$0.value.isZero }.map { AggregateRow(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
        }
    }

    /// The aggregates as the store knew them at `time` (recorded-at, inclusive).
    public func cells(asOf time: Timestamp, year: Int? = nil, family: AggregateFamily? = nil) throws -> [AggregateRow] {
        try cells(asOf: store.position(at: time), year: year, family: family)
    }

    /// Cells that differ between two log positions.
    public func changes(from first: UInt64, to second: UInt64, year: Int? = nil, family: AggregateFamily? = nil) throws -> [AggregateChange] {
        Self.difference(try cells(asOf: first, year: year, family: family), try cells(asOf: second, year: year, family: family))
    }

    /// Cells that differ between two effective times (records as they stood then, as known now).
    public func changes(effectiveFrom first: Timestamp, to second: Timestamp, year: Int? = nil, family: AggregateFamily? = nil) throws -> [AggregateChange] {
        Self.difference(try cells(effective: first, year: year, family: family), try cells(effective: second, year: year, family: family))
    }

    static func difference(_ first: [AggregateRow], _ second: [AggregateRow]) -> [AggregateChange] {
        let before = Dictionary(uniqueKeysWithValues: first.map { ($0.key, $0.value) })
        let after = Dictionary(uniqueKeysWithValues: second.map { ($0.key, $0.value) })
        return Set(before.keys).union(after.keys).sorted().compactMap { key in
            let old = before[key] ?? .zero, new = after[key] ?? .zero
            return old == new ? nil : AggregateChange(key: key, before: old, after: new)
        }
    }

    static func wanted(_ key: AggregateKey, _ year: Int?, _ family: AggregateFamily?) -> Bool {
        (year == nil || key.year == year) && (family == nil || key.family == family?.rawValue)
    }

    /// The record families of the per-year aggregates (`articles`, `views`, `events`, `quantity`)
    /// on the effective axis: every record as it stood at `time` in its own timeline (each edit at
    /// its effective time, as `record(_:effective:asOf:)`), as the store knew it at log position
    /// `position` (default: now). A back-dated correction moves the answers for times after its
    /// effective time only, and nothing recorded after `position` changes an answer.
    ///
    /// The `edits` family counts edits by the year they were recorded, so it has no effective
    /// form and is left out. The cost is a replay of every record's stream (the log up to
    /// `position`), read in one transaction; the recorded axis (`cells(asOf:)`) reads the
    /// stored totals instead.
    public func cells(effective time: Timestamp, asOf position: UInt64 = .max, year: Int? = nil, family: AggregateFamily? = nil) throws -> [AggregateRow] {
        try store.environment.read { txn in
            try store.projections.requireFresh([.records], in: txn)
            let states = try RecordsProjection.states(store.catalog, generation: store.catalog.generation(.records, in: txn))
            var totals: [AggregateKey: AggregateValue] = [:]
            try txn.scan(states) { entry in
                let id = try RecordID(String(decoding: entry.key, as: UTF8.self))
                let stream = try store.log.readStream(id.streamID, from: 1, direction: .forwards, limit: .max, in: txn).map(store.upcaster.upcast)
                for (key, value) in Contributions.of(try RecordTimeline.state(of: stream, effective: time, asOf: position)) where Self.wanted(key, year, family) {
                    totals[key] = (totals[key] ?? .zero) + value
                }
                return true
            }
            return totals.filter { !$0.value.isZero }.map { AggregateRow(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
        }
    }
}

