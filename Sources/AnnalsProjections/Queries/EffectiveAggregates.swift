public import AnnalsCore
import AnnalsLMDB
public import AnnalsRecords

extension ProjectedStore {
    /// The record families of the per-year aggregates (`articles`, `views`, `events`, `quantity`)
    /// on the effective axis: every record as it stood at `time` in its own timeline (each edit at
    /// its effective time, as `record(_:effective:asOf:)`), as the store knew it at log position
    /// `position` (default: now). A back-dated correction moves the answers for times after its
    /// effective time only, and nothing recorded after `position` changes an answer.
    ///
    /// The `edits` family counts edits by the year they were recorded, so it has no effective
    /// form and is left out. The cost is a replay of every record's stream (the log up to
    /// `position`), read in one transaction; the recorded axis (`aggregates(asOf:)`) reads the
    /// stored totals instead.
    public func aggregates(effective time: Timestamp, asOf position: UInt64 = .max, year: Int? = nil, family: String? = nil) throws -> [AggregateRow] {
        try environment.read { txn in
            try requireFresh([.records], in: txn)
            let states = try catalog.table(.records, "state", generation: try catalog.generation(.records, in: txn))
            var totals: [AggregateKey: AggregateValue] = [:]
            try txn.scan(states) { entry in
                let id = try RecordID(String(decoding: entry.key, as: UTF8.self))
                let stream = try log.readStream(id.streamID, from: 1, direction: .forwards, limit: .max, in: txn).map(upcaster.upcast)
                for (key, value) in Contributions.of(try Self.state(of: stream, effective: time, asOf: position)) where Self.wanted(key, year, family) {
                    totals[key] = (totals[key] ?? .zero) + value
                }
                return true
            }
            return totals.filter { !$0.value.isZero }.map { AggregateRow(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
        }
    }
}
