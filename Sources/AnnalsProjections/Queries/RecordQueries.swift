public import AnnalsRecords
import AnnalsCore
import AnnalsLMDB

extension ProjectedStore {
    /// The record's current state, from the records projection (retracted records included).
    public func record(_ id: RecordID) throws -> RecordState? {
        try environment.read { txn in
            try requireFresh([.records], in: txn)
            let table = try catalog.table(.records, "state", generation: try catalog.generation(.records, in: txn))
            return try txn.get(table, Array(id.rawValue.utf8)).map { try StoredState.decode($0, id: id) }
        }
    }

    /// Records of one type matching `filter`, by year then id, read through the by-year index.
    public func list(_ type: RecordType, filter: RecordFilter = RecordFilter()) throws -> [RecordState] {
        try environment.read { txn in
            try requireFresh([.records], in: txn)
            let generation = try catalog.generation(.records, in: txn)
            let index = try catalog.table(.records, "by-year", generation: generation)
            let states = try catalog.table(.records, "state", generation: generation)
            var prefix = Array(type.rawValue.utf8) + [0]
            if let year = filter.year { prefix += Array(fourDigits(year).utf8) + [0] }
            var found: [RecordState] = []
            try txn.scan(index, from: prefix, to: prefix.dropLast() + [prefix.last! + 1]) { entry in
                guard let separator = entry.key.lastIndex(of: 0) else { return true }
                let id = try RecordID(String(decoding: entry.key[(separator + 1)...], as: UTF8.self))
                if let bytes = try txn.get(states, Array(id.rawValue.utf8)) {
                    let state = try StoredState.decode(bytes, id: id)
                    if filter.matches(state) { found.append(state) }
                }
                return found.count < filter.limit
            }
            return found
        }
    }

    /// Live records whose title, text, names or keywords hold every word of `text`, ignoring case
    /// and diacritics ("hoi nghi ngoai giao" finds "Hội nghị … ngoại giao"). Served from the word
    /// postings: the cost follows the rarest query word's records, not the number of records.
    public func find(_ text: String, limit: Int = .max) throws -> [RecordState] {
        let words = TextFolding.tokens(text).map { TextFolding.indexed(Array($0.utf8)) }
        guard !words.isEmpty else { return [] }
        return try environment.read { txn in
            try requireFresh([.records, .search], in: txn)
            let generation = try catalog.generation(.search, in: txn)
            let postings = try catalog.table(.search, "postings", generation: generation)
            let numbers = try catalog.table(.search, "numbers", generation: generation)
            let states = try catalog.table(.records, "state", generation: try catalog.generation(.records, in: txn))
            // The rarest word's records, kept when every other word's set holds them too: the
            // cost follows the rarest word, however common the others are.
            let byRarity = try words.map { ($0, try txn.valueCount(postings, $0)) }.sorted { $0.1 < $1.1 }.map(\.0)
            let others = byRarity.dropFirst()
            let matches = try txn.values(postings, byRarity[0]).filter { number in
                try others.allSatisfy { try txn.contains(postings, $0, value: number) }
            }
            let ids = try matches.compactMap { try txn.get(numbers, $0) }.map { String(decoding: $0, as: UTF8.self) }
            return try ids.sorted().prefix(limit).compactMap { text in
                let id = try RecordID(text)
                return try txn.get(states, Array(text.utf8)).map { try StoredState.decode($0, id: id) }
            }
        }
    }
}

extension ProjectedStore {
    /// How many records of `type` the records projection holds (retracted ones included), counted
    /// from the by-year index without reading the records.
    public func count(_ type: RecordType) throws -> Int {
        try environment.read { txn in
            try requireFresh([.records], in: txn)
            let index = try catalog.table(.records, "by-year", generation: try catalog.generation(.records, in: txn))
            var count = 0
            let prefix = Array(type.rawValue.utf8)
            try txn.scan(index, from: prefix + [0], to: prefix + [1]) { _ in
                count += 1
                return true
            }
            return count
        }
    }
}

extension ProjectedStore: RecordStateSource {
    /// The records projection's state, or nil when that projection is stale (the editor then
    /// replays the stream; the write itself is refused while any projection is stale).
    public func currentState(of id: RecordID) throws -> RecordState? {
        do { return try record(id) } catch is ProjectionError { return nil }
    }
}
