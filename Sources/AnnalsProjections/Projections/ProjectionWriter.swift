import AnnalsCore
import AnnalsLMDB
import AnnalsMigrations
import AnnalsRecords

/// Applies events to one generation of each projection, inside a write transaction. The same code
/// serves the append path (the live generations) and a rebuild (the shadow ones), which is why a
/// rebuilt projection is byte-for-byte the incrementally maintained one.
///
/// A batch of events is applied in memory first and written once: each record's state is read and
/// written once however many of the batch's events touch it, its words are diffed between its
/// state before the batch and after it, and aggregate totals are summed over the batch; the keys
/// are then written in sorted order. What is stored does not depend on how events were batched:
/// only the per-event history (audit entries, aggregate changes by position) is written per event,
/// and that in log order.
struct ProjectionWriter {
    let catalog: ProjectionCatalog
    /// Brings old events to the current schema before any projection reads them.
    let upcaster: Upcaster
    /// The generation written for each projection in scope. `records` is always in scope: the
    /// others need each record's state before the event.
    let generations: [ProjectionName: Int]

    /// One record touched by the batch: its state before the batch and now.
    private struct Touched {
        let before: RecordState?
        var now: RecordState?
        /// The record's number: the log position of its create.
        var number: UInt64
        /// What `now` adds to the aggregates (computed once per state, used by the next event's delta).
        var contributions: [AggregateKey: AggregateValue]?
    }

    func apply(_ events: [RecordedEvent], in txn: WriteTransaction) throws {
        guard let recordsGeneration = generations[.records] else { return }
        let stateTable = catalog.table(.records, "state", generation: recordsGeneration)
        let audit = generations[.audit].map { catalog.table(.audit, "by-actor", generation: $0) }
        let aggregateHistory = generations[.aggregates].map { catalog.table(.aggregates, "deltas", generation: $0) }
        let numbers = generations[.search].map { catalog.table(.search, "numbers", generation: $0) }
        var touched: [RecordID: Touched] = [:]
        var totals: [AggregateKey: AggregateValue] = [:]

        for stored in events {
            let event = try upcaster.upcast(stored)
            if let audit {
                var key = Array(event.metadata.actor.utf8) + [0]
                key += bigEndian(event.position)
                try txn.put(audit, key, [])
            }
            guard let (_, kind) = EditKind.parse(event.type), let id = try? RecordID(event.stream.rawValue) else { continue }
            var record: Touched
            if let known = touched[id] {
                record = known
            } else {
                let before = try txn.get(stateTable, Array(id.rawValue.utf8)).map { try StoredState.decodeNumbered($0, id: id) }
                record = Touched(before: before?.state, now: before?.state, number: before?.number ?? event.position)
            }
            guard let new = try RecordState.apply(event, to: record.now) else { continue }
            if record.now == nil, let numbers {
                // A create: its position is the record's number. Positions only grow, so the
                // number-to-id table is appended.
                try txn.put(numbers, bigEndian(record.number), Array(id.rawValue.utf8), options: .append)
            }

            if let aggregateHistory {
                let old = record.contributions ?? Contributions.of(record.now)
                let now = Contributions.of(new)
                var deltas: [AggregateKey: AggregateValue] = [:]
                for (key, value) in old { deltas[key, default: .zero] = deltas[key, default: .zero] - value }
                for (key, value) in now { deltas[key, default: .zero] = deltas[key, default: .zero] + value }
                deltas[Contributions.edit(event, kind: kind), default: .zero].count += 1
                deltas = deltas.filter { !$0.value.isZero }
                if !deltas.isEmpty {
                    // Positions only grow, in a rebuild as in an append: the history is appended.
                    try txn.put(aggregateHistory, bigEndian(event.position), AggregateChanges.encode(deltas), options: .append)
                    for (key, delta) in deltas { totals[key, default: .zero] = totals[key, default: .zero] + delta }
                }
                record.contributions = now
            }
            record.now = new
            touched[id] = record
        }

        var postings: [FoldedWord: [(number: UInt64, add: Bool)]] = [:]
        for (id, record) in touched.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            guard let new = record.now else { continue }
            let old = record.before
            try txn.put(stateTable, Array(id.rawValue.utf8), StoredState.encode(new, number: record.number))
            let oldListKey = old.flatMap(Self.listKey), newListKey = Self.listKey(new)
            if oldListKey != newListKey {
                let byYear = catalog.table(.records, "by-year", generation: recordsGeneration)
                if let oldListKey { try txn.delete(byYear, oldListKey) }
                if let newListKey { try txn.put(byYear, newListKey, []) }
            }
            if generations[.search] != nil { Self.postingChanges(number: record.number, old: old, new: new, into: &postings) }
        }
        if let search = generations[.search] {
            // In key order, and a new record's number is the largest of its word's set: the
            // writes land on few pages, mostly the last page of each word's set.
            let table = catalog.table(.search, "postings", generation: search)
            for word in postings.keys.sorted() {
                var added: [UInt8] = []
                for change in postings[word, default: []].sorted(by: { $0.number < $1.number }) {
                    if change.add { added += bigEndian(change.number) }
                    else { try txn.delete(table, word.bytes, value: bigEndian(change.number)) }
                }
                try txn.putValues(table, word.bytes, added, valueSize: 8)
            }
        }
        if let aggregates = generations[.aggregates] {
            let table = catalog.table(.aggregates, "totals", generation: aggregates)
            for (key, delta) in totals.sorted(by: { $0.key < $1.key }) where !delta.isZero {
                let keyBytes = key.bytes
                let updated = (try txn.get(table, keyBytes).map(AggregateValue.init(bytes:)) ?? .zero) + delta
                if updated.isZero { try txn.delete(table, keyBytes) } else { try txn.put(table, keyBytes, updated.bytes) }
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

    /// The folded words a live record is found by: title, text, places, people, keywords.
    static func words(_ state: RecordState?) -> Set<FoldedWord> {
        guard let state, !state.retracted else { return [] }
        var words = Set<FoldedWord>()
        func collect(_ value: JSONValue?) {
            switch value {
            case .string(let text)?: TextFolding.forEachWord(in: text) { words.insert(FoldedWord(TextFolding.indexed($0))) }
            case .array(let items)?: items.forEach { collect($0) }
            case .object(let members)?: members.values.forEach { collect($0) }
            default: break
            }
        }
        for field in wordFields { collect(state.document[field]) }
        return words
    }

    /// Adds to `postings` what changes when record `number` goes from `old` to `new`: the words
    /// it leaves and the words it enters.
    private static func postingChanges(number: UInt64, old: RecordState?, new: RecordState,
                                       into postings: inout [FoldedWord: [(number: UInt64, add: Bool)]]) {
        // Most edits (links, figures, dates) leave the indexed text alone: nothing to fold then.
        if let old, old.retracted == new.retracted, wordFields.allSatisfy({ old.document[$0] == new.document[$0] }) { return }
        let before = words(old), after = words(new)
        for word in before.subtracting(after) { postings[word, default: []].append((number, false)) }
        for word in after.subtracting(before) { postings[word, default: []].append((number, true)) }
    }
}

/// A folded word as the search index keys it. Hashes its bytes in one go (an array of bytes
/// hashes byte by byte) and sorts as LMDB orders keys.
struct FoldedWord: Hashable, Comparable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func < (a: FoldedWord, b: FoldedWord) -> Bool { keyPrecedes(a.bytes, b.bytes) }
}
