public import AnnalsRecords
import AnnalsCore
import AnnalsLMDB

/// The search projection's queries. Only this folder knows its tables.
public struct SearchReader {
    let store: ProjectedStore

    public init(_ store: ProjectedStore) { self.store = store }

    /// Live records whose title, text, names or keywords hold every word of `text`, ignoring case
    /// and diacritics ("hoi nghi ngoai giao" finds "Hội nghị … ngoại giao"). Served from the word
    /// postings: the cost follows the rarest query word's records, not the number of records.
    public func find(_ text: String, limit: Int = .max) throws -> [RecordState] {
        let words = TextFolding.tokens(text).map { TextFolding.indexed(Array($0.utf8)) }
        guard !words.isEmpty else { return [] }
        return try store.environment.read { txn in
            try store.projections.requireFresh([.records, .search], in: txn)
            let generation = try store.catalog.generation(.search, in: txn)
            let blocks = try store.catalog.table(.search, SearchProjection.blocksTable, generation: generation)
            let numbers = try store.catalog.table(.search, SearchProjection.numbersTable, generation: generation)
            let states = try RecordsProjection.states(store.catalog, generation: store.catalog.generation(.records, in: txn))
            // The rarest word's records, kept when every other word's set holds them too: the
            // cost follows the rarest word, however common the others are.
            let byRarity = try words.map { WordPostings($0, in: blocks, txn: txn) }.map { ($0, try $0.count()) }.sorted { $0.1 < $1.1 }.map(\.0)
            var others = Array(byRarity.dropFirst())
            let matches = try byRarity[0].numbers().filter { number in
                for index in others.indices where try !others[index].contains(number) { return false }
                return true
            }
            let ids = try matches.compactMap { try txn.get(numbers, bigEndian($0)) }.map { String(decoding: $0, as: UTF8.self) }
            let documents = CreatedDocuments(store, in: txn)
            return try ids.sorted().prefix(limit).compactMap { text in
                let id = try RecordID(text)
                return try txn.get(states, Array(text.utf8)).map { try StoredState.decode($0, id: id, documents: documents) }
            }
        }
    }
}

