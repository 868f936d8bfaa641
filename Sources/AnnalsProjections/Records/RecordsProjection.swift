import AnnalsCore
import AnnalsLMDB
import AnnalsRecords

extension ProjectionName {
    /// Current state of every record and the by-type-and-year list index.
    public static let records = ProjectionName("records")
}

/// Each record's current state (`state`: id → the state and the record's number) and the list
/// index (`by-year`: `type ‖ 0 ‖ year ‖ 0 ‖ id`). Every batch reads the states before it from this
/// projection, which is why it is part of every rebuild.
struct RecordsProjection: Projection {
    let name = ProjectionName.records
    /// 2: the state holds the record's number; 3: states read through upcast 0005 (alpha-2
    /// countries, regions apart); 4: states in binary (`StoredState`); 5: a state holds only the
    /// fields events after the create changed, the rest of the document being the create event's.
    let version: UInt32 = 5
    static let stateTable = "state", listTable = "by-year"
    let tables = [ProjectionTable(name: stateTable), ProjectionTable(name: listTable)]

    /// A new record's state as this projection stores it, and its key in the list index.
    func prepare(created state: RecordState, number: UInt64) -> (any Sendable)? {
        CreatedEntries(state: StoredState.encode(state, number: number), listKey: Self.listKey(state))
    }

    /// What a new record puts in this projection's tables, worked out ahead.
    struct CreatedEntries: Sendable {
        let state: [UInt8]
        let listKey: [UInt8]?
    }

    func apply(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws {
        let state = try tables(Self.stateTable), byYear = try tables(Self.listTable)
        for record in batch.records {
            // Prepared ahead when the batch created the record and changed it no further.
            if let created = record.derived(by: name, as: CreatedEntries.self) {
                try txn.put(state, Array(record.id.rawValue.utf8), created.state)
                if let listKey = created.listKey { try txn.put(byYear, listKey, []) }
                continue
            }
            try txn.put(state, Array(record.id.rawValue.utf8), StoredState.encode(record.after, number: record.number))
            // The list key follows the record's date alone (its type and id never change).
            if let before = record.before {
                let field = Self.dateField(of: before)
                if before.sameField(field, as: record.after) { continue }
            }
            let oldListKey = record.before.flatMap(Self.listKey), newListKey = Self.listKey(record.after)
            if oldListKey != newListKey {
                if let oldListKey { try txn.delete(byYear, oldListKey) }
                if let newListKey { try txn.put(byYear, newListKey, []) }
            }
        }
    }

    /// The state table of one generation: what every batch reads the states before it from.
    static func states(_ catalog: ProjectionCatalog, generation: Int) throws -> Database {
        try catalog.table(.records, stateTable, generation: generation)
    }

    /// The state and number the records projection holds for `id` in `table`, or nil.
    static func stored(_ id: RecordID, in table: Database, documents: CreatedDocuments) throws -> (state: RecordState, number: UInt64)? {
        try documents.txn.get(table, Array(id.rawValue.utf8)).map { try StoredState.decodeNumbered($0, id: id, documents: documents) }
    }

    /// `type ‖ 0 ‖ year (4 digits) ‖ 0 ‖ id`: lists by type and year without reading every record.
    static func listKey(_ state: RecordState) -> [UInt8]? {
        guard let year = recordYear(state) else { return nil }
        return Array("\(state.id.type.rawValue)\u{0}\(fourDigits(year))\u{0}\(state.id.rawValue)".utf8)
    }

    /// The record's own year: an article's publication year, a diplomacy event's date year.
    static func recordYear(_ state: RecordState) -> Int? {
        state.stringField(dateField(of: state)).flatMap { try? RecordDate($0) }?.year
    }

    /// The field a record's own year is read from.
    static func dateField(of state: RecordState) -> String { state.id.type == .article ? "publishedAt" : "date" }
}
