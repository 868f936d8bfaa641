public import AnnalsCore
import AnnalsLMDB
public import AnnalsRecords

extension ProjectedStore {
    /// The per-year aggregates now, or as the store knew them at log position `asOf` (inclusive),
    /// sorted by key. `year` and `family` narrow the result. The past costs a read of the shorter
    /// side of the history: what came before `asOf`, or what came after it taken back from the
    /// totals.
    public func aggregates(asOf position: UInt64? = nil, year: Int? = nil, family: String? = nil) throws -> [AggregateRow] {
        try environment.read { txn in
            try requireFresh([.aggregates], in: txn)
            let generation = try catalog.generation(.aggregates, in: txn)
            let history = try catalog.table(.aggregates, "deltas", generation: generation)
            var rows: [AggregateKey: AggregateValue] = [:]
            /// Adds, or with `takingBack` subtracts, what each event from `start` to `end` moved.
            func replay(from start: [UInt8]?, to end: [UInt8]?, takingBack: Bool) throws {
                try txn.scan(history, from: start, to: end) { entry in
                    for (key, delta) in try AggregateChanges.decode(entry.value, position: readBigEndian(entry.key[...])) where Self.wanted(key, year, family) {
                        rows[key] = takingBack ? (rows[key] ?? .zero) - delta : (rows[key] ?? .zero) + delta
                    }
                    return true
                }
            }
            let head = try catalog.position(.aggregates, in: txn)
            if let position, position < head / 2 {
                try replay(from: nil, to: bigEndian(position + 1), takingBack: false)
            } else {
                try txn.scan(try catalog.table(.aggregates, "totals", generation: generation)) { entry in
                    if let key = AggregateKey(bytes: entry.key), Self.wanted(key, year, family) {
                        rows[key] = try AggregateValue(bytes: entry.value)
                    }
                    return true
                }
                if let position, position < head { try replay(from: bigEndian(position + 1), to: nil, takingBack: true) }
            }
            return rows.filter { !$0.value.isZero }.map { AggregateRow(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
        }
    }

    /// The aggregates as the store knew them at `time` (recorded-at, inclusive).
    public func aggregates(asOf time: Timestamp, year: Int? = nil, family: String? = nil) throws -> [AggregateRow] {
        try aggregates(asOf: position(at: time), year: year, family: family)
    }

    /// Cells that differ between two log positions.
    public func aggregateChanges(from first: UInt64, to second: UInt64, year: Int? = nil, family: String? = nil) throws -> [AggregateChange] {
        Self.changes(try aggregates(asOf: first, year: year, family: family), try aggregates(asOf: second, year: year, family: family))
    }

    /// Cells that differ between two effective times (records as they stood then, as known now).
    public func aggregateChanges(effectiveFrom first: Timestamp, to second: Timestamp, year: Int? = nil, family: String? = nil) throws -> [AggregateChange] {
        Self.changes(try aggregates(effective: first, year: year, family: family), try aggregates(effective: second, year: year, family: family))
    }

    static func changes(_ first: [AggregateRow], _ second: [AggregateRow]) -> [AggregateChange] {
        let before = Dictionary(uniqueKeysWithValues: first.map { ($0.key, $0.value) })
        let after = Dictionary(uniqueKeysWithValues: second.map { ($0.key, $0.value) })
        return Set(before.keys).union(after.keys).sorted().compactMap { key in
            let old = before[key] ?? .zero, new = after[key] ?? .zero
            return old == new ? nil : AggregateChange(key: key, before: old, after: new)
        }
    }

    static func wanted(_ key: AggregateKey, _ year: Int?, _ family: String?) -> Bool {
        (year == nil || key.year == year) && (family == nil || key.family == family)
    }
}
