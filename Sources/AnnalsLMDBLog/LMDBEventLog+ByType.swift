public import AnnalsCore
public import AnnalsLMDB

extension LMDBEventLog {
    /// The positions of the events of `types` between `lower` and `upper` (both included), newest
    /// first, at most `limit`: a reverse walk of each type's range of the `log/by-type` index,
    /// merged, so the cost follows the events of those types, not the log. Nil in a format-1 store,
    /// which has no such index (callers then read the log).
    public func positions(ofTypes types: [String], from lower: UInt64, through upper: UInt64, limit: Int,
                          in txn: Transaction) throws -> [UInt64]? {
        guard let byType else { return nil }
        var positions: [UInt64] = []
        for type in Set(types) {
            let prefix = Array(type.utf8) + [0]
            var found = 0
            try txn.scan(byType, from: Self.typeKey(type, lower), to: Self.typeKey(type, upper) + [0], reverse: true) { entry in
                guard entry.key.count == prefix.count + 8, let position = decodeUInt64(entry.key[prefix.count...]) else {
                    throw EventLogError.corruptRecord(position: 0, detail: "a by-type index key of \(entry.key.count) bytes")
                }
                positions.append(position)
                found += 1
                return found < limit
            }
        }
        return Array(positions.sorted(by: >).prefix(limit))
    }
}
