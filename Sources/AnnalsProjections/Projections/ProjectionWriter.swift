import AnnalsEventLog
import AnnalsLMDB
import AnnalsMigrations
import AnnalsRecords

/// Applies events to one generation of each projection, inside a write transaction. The same code
/// serves the append path (the live generations) and a rebuild (the shadow ones), which is why a
/// rebuilt projection is byte-for-byte the incrementally maintained one.
struct ProjectionWriter {
    let catalog: ProjectionCatalog
    /// Brings old events to the current schema before any projection reads them.
    let upcaster: Upcaster
    /// The generation written for each projection in scope. `records` is always in scope: the
    /// others need each record's state before the event.
    let generations: [ProjectionName: Int]

    func apply(_ events: [RecordedEvent], in txn: WriteTransaction) throws {
        guard let recordsGeneration = generations[.records] else { return }
        let stateTable = catalog.table(.records, "state", generation: recordsGeneration)
        for stored in events {
            let event = try upcaster.upcast(stored)
            let parsed = EditKind.parse(event.type)
            if let audit = generations[.audit] {
                var key = Array(event.metadata.actor.utf8) + [0]
                key += bigEndian(event.position)
                try txn.put(catalog.table(.audit, "by-actor", generation: audit), key, [])
            }
            guard let (_, kind) = parsed, let id = try? RecordID(event.stream.rawValue) else { continue }
            let idKey = Array(id.rawValue.utf8)
            let old = try txn.get(stateTable, idKey).map { try StoredState.decode($0, id: id) }
            guard let new = try RecordState.apply(event, to: old) else { continue }

            try txn.put(stateTable, idKey, StoredState.encode(new))
            let oldListKey = old.flatMap(Self.listKey), newListKey = Self.listKey(new)
            if oldListKey != newListKey {
                let byYear = catalog.table(.records, "by-year", generation: recordsGeneration)
                if let oldListKey { try txn.delete(byYear, oldListKey) }
                if let newListKey { try txn.put(byYear, newListKey, []) }
            }
            if let search = generations[.search] {
                try updateWords(catalog.table(.search, "words", generation: search), id: id, old: old, new: new, in: txn)
            }
            if let aggregates = generations[.aggregates] {
                var deltas: [AggregateKey: AggregateValue] = [:]
                for (key, value) in Contributions.of(old) { deltas[key] = (deltas[key] ?? .zero) - value }
                for (key, value) in Contributions.of(new) { deltas[key] = (deltas[key] ?? .zero) + value }
                let editCell = Contributions.edit(event, kind: kind)
                deltas[editCell] = (deltas[editCell] ?? .zero) + AggregateValue(count: 1, sum: .zero)
                try applyDeltas(deltas, position: event.position, generation: aggregates, in: txn)
            }
        }
    }

    /// `type ‖ 0 ‖ year (4 digits) ‖ 0 ‖ id`: lists by type and year without reading every record.
    static func listKey(_ state: RecordState) -> [UInt8]? {
        guard let year = recordYear(state) else { return nil }
        return Array("\(state.id.type.rawValue)\u{0}\(fourDigits(year))\u{0}\(state.id.rawValue)".utf8)
    }

    /// The record's own year: an article's publication year, a diplomacy event's date year.
    static func recordYear(_ state: RecordState) -> Int? {
        let field = state.id.type == .article ? "publishedAt" : "date"
        return state.document[field]?.stringValue.flatMap { try? RecordDate($0) }?.year
    }

    /// The fields whose text is indexed.
    static let wordFields = ["title", "paragraphs", "keywords", "authors", "description", "place", "organizer", "participants", "counterparts"]

    /// The words a live record is found by: title, text, places, people, keywords.
    static func words(_ state: RecordState?) -> Set<String> {
        guard let state, !state.retracted else { return [] }
        var texts: [String] = []
        func collect(_ value: JSONValue?) {
            switch value {
            case .string(let text)?: texts.append(text)
            case .array(let items)?: items.forEach { collect($0) }
            case .object(let members)?: members.values.forEach { collect($0) }
            default: break
            }
        }
        for field in wordFields { collect(state.document[field]) }
        return Set(texts.flatMap(TextFolding.tokens))
    }

    private func updateWords(_ table: Database, id: RecordID, old: RecordState?, new: RecordState, in txn: WriteTransaction) throws {
        // Most edits (links, figures, dates) leave the indexed text alone: nothing to fold then.
        if let old, old.retracted == new.retracted, Self.wordFields.allSatisfy({ old.document[$0] == new.document[$0] }) { return }
        let before = Self.words(old), after = Self.words(new)
        let suffix = [UInt8(0)] + Array(id.rawValue.utf8)
        for word in before.subtracting(after) { try txn.delete(table, Array(word.utf8) + suffix) }
        for word in after.subtracting(before) { try txn.put(table, Array(word.utf8) + suffix, []) }
    }

    private func applyDeltas(_ deltas: [AggregateKey: AggregateValue], position: UInt64, generation: Int, in txn: WriteTransaction) throws {
        let totals = catalog.table(.aggregates, "totals", generation: generation)
        let history = catalog.table(.aggregates, "deltas", generation: generation)
        for (key, delta) in deltas.sorted(by: { $0.key < $1.key }) where !delta.isZero {
            let keyBytes = key.bytes
            let current = try txn.get(totals, keyBytes).map(AggregateValue.init(bytes:)) ?? .zero
            let updated = current + delta
            if updated.isZero { try txn.delete(totals, keyBytes) } else { try txn.put(totals, keyBytes, updated.bytes) }
            try txn.put(history, keyBytes + [0] + bigEndian(position), delta.bytes)
        }
    }
}
