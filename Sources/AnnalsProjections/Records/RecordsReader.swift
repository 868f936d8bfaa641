public import AnnalsRecords
import AnnalsCore
import AnnalsLMDB

/// The records projection's queries: a record's state now, lists by type and year, counts. Only
/// this folder knows the projection's tables.
public struct RecordsReader {
    let store: ProjectedStore

    public init(_ store: ProjectedStore) { self.store = store }

    /// The record's current state, from the records projection (retracted records included).
    public func record(_ id: RecordID) throws -> RecordState? {
        try store.environment.read { txn in
            let table = try store.projections.liveTables(of: .records, in: txn)(RecordsProjection.stateTable)
            return try txn.get(table, Array(id.rawValue.utf8)).map { try StoredState.decode($0, id: id, documents: CreatedDocuments(store, in: txn)) }
        }
    }

    /// Records of one type matching `filter`, by year then id, read through the by-year index.
    public func list(_ type: RecordType, filter: RecordFilter = RecordFilter()) throws -> [RecordState] {
        try store.environment.read { txn in
            try store.projections.requireFresh([.records], in: txn)
            let generation = try store.catalog.generation(.records, in: txn)
            let index = try store.catalog.table(.records, RecordsProjection.listTable, generation: generation)
            let states = try RecordsProjection.states(store.catalog, generation: generation)
            var prefix = Array(type.rawValue.utf8) + [0]
            if let year = filter.year { prefix += Array(fourDigits(year).utf8) + [0] }
            let documents = CreatedDocuments(store, in: txn)
            var found: [RecordState] = []
            try txn.scan(index, from: prefix, to: prefix.dropLast() + [prefix.last! + 1]) { entry in
                guard let separator = entry.key.lastIndex(of: 0) else { return true }
                let id = try RecordID(String(decoding: entry.key[(separator + 1)...], as: UTF8.self))
                if let bytes = try txn.get(states, Array(id.rawValue.utf8)) {
                    let state = try StoredState.decode(bytes, id: id, documents: documents)
                    if filter.matches(state) { found.append(state) }
                }
                return found.count < filter.limit
            }
            return found
        }
    }

    /// How many records of `type` the records projection holds (retracted ones included), counted
    /// from the by-year index without reading the records.
    public func count(_ type: RecordType) throws -> Int {
        try store.environment.read { txn in
            let index = try store.projections.liveTables(of: .records, in: txn)(RecordsProjection.listTable)
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


extension RecordsReader: RecordStateSource {
    /// The records projection's state, or nil when that projection is stale (the editor then
    /// replays the stream; the write itself is refused while any projection is stale).
    public func currentState(of id: RecordID) throws -> RecordState? {
        do { return try record(id) } catch is ProjectionError { return nil }
    }
}
