import AnnalsCore
import AnnalsLMDB
import AnnalsRecords

extension ProjectionName {
    /// The diacritic-insensitive word index.
    public static let search = ProjectionName("search")
}

/// `blocks`: per folded word, the numbers of the live records that hold it, in blocks by number
/// range (`PostingBlocks`); `numbers`: record number → id. A record's number is the log position
/// of its create, so a new record's number is the largest of every set it enters and a batch's
/// postings land in the last block of each word.
struct SearchProjection: BulkProjection {
    let name = ProjectionName.search
    /// 2: postings of record numbers per word, replacing word‖id keys; 3: the numbers in blocks of
    /// varint gaps, replacing a sorted set of 8-byte values.
    let version: UInt32 = 3
    static let blocksTable = "blocks", numbersTable = "numbers"
    let tables = [ProjectionTable(name: blocksTable), ProjectionTable(name: numbersTable)]

    /// The fields whose text is indexed.
    static let wordFields = ["title", "paragraphs", "keywords", "authors", "description", "place", "organizer", "participants", "counterparts"]

    /// A new record's folded words.
    func prepare(created state: RecordState, number: UInt64) -> (any Sendable)? { Self.words(state) }

    func apply(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws {
        var postings = PostingChanges()
        try Self.putNumbers(batch, numbers: tables(Self.numbersTable), in: txn)
        Self.recordPostings(batch, into: &postings)
        try postings.write(to: tables(Self.blocksTable), in: txn, tableIsEmpty: false)
    }

    func collector() -> any BulkCollector { SearchCollector() }

    /// Writes the numbers of the batch's new records: positions only grow, so the number-to-id
    /// table is appended.
    static func putNumbers(_ batch: ProjectionBatch, numbers: Database, in txn: WriteTransaction) throws {
        for change in batch.changes where change.before == nil {
            try txn.put(numbers, bigEndian(change.number), Array(change.id.rawValue.utf8), options: .append)
        }
    }

    /// Adds to `postings` what the batch changes in the word index. Reads nothing from the store,
    /// so a rebuild runs it on a thread of its own (`SearchCollector`).
    static func recordPostings(_ batch: ProjectionBatch, into postings: inout PostingChanges) {
        // The words folded ahead for each record the batch created, with the state they were
        // folded from: they still serve when later events of the batch left the text alone.
        var foldedAhead: [RecordID: (state: RecordState, words: WordTable)] = [:]
        for change in batch.changes where change.before == nil {
            if let words = change.derived(by: .search, as: WordTable.self) { foldedAhead[change.id] = (change.after, words) }
        }
        // In number order, so a word's new records arrive ascending, as its blocks hold them.
        let records = batch.records
        for index in records.indices.sorted(by: { records[$0].number < records[$1].number }) {
            postingChanges(records[index], foldedAhead: foldedAhead[records[index].id], into: &postings)
        }
    }

    /// The folded words a live record is found by: title, text, places, people, keywords.
    static func words(_ state: RecordState?) -> WordTable {
        guard let state, !state.retracted else { return WordTable() }
        return words(of: state, in: wordFields)
    }

    /// The folded words of `fields` of a record (retracted or not).
    private static func words(of state: RecordState, in fields: [String]) -> WordTable {
        var words = WordTable(expectedWords: 64)
        forEachWord(of: state, in: fields) { word, hash in words.insert(word, hash: hash) }
        return words
    }

    /// Calls `body` with each folded word of `fields`, as the index keys it, and its hash; repeats included.
    private static func forEachWord(of state: RecordState, in fields: [String], _ body: (UnsafeRawBufferPointer, Int) -> Void) {
        func collect(_ value: JSONValue?) {
            switch value {
            case .string(let text)?:
                TextFolding.forEachWord(in: text) { word in
                    let indexed = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: word[..<TextFolding.indexedLength(word)]))
                    body(indexed, WordTable.hash(indexed))
                }
            case .array(let items)?: items.forEach { collect($0) }
            case .object(let members)?: members.values.forEach { collect($0) }
            default: break
            }
        }
        for field in fields { collect(state.document[field]) }
    }

    /// Adds to `postings` what changes when record `number` goes from `old` to `new`: the words
    /// it leaves and the words it enters. `foldedAhead`: when the batch created the record, the
    /// state it was created in and that state's words, folded on another core.
    private static func postingChanges(_ record: ProjectionBatch.TouchedRecord, foldedAhead: (state: RecordState, words: WordTable)?,
                                       into postings: inout PostingChanges) {
        let number = record.number, old = record.before, new = record.after
        // Most edits (links, figures, dates) leave the indexed text alone: nothing to fold then.
        if let old, sameWords(old, new) { return }
        // The same version of a record is the same state: no fields to compare for a record the
        // batch only created.
        if old == nil, let foldedAhead, foldedAhead.state.version == new.version || sameWords(foldedAhead.state, new) {
            // A new record whose words were folded ahead: every word enters, none leaves.
            foldedAhead.words.forEach { word, hash in postings.record(word, hash: hash, number, add: true) }
            return
        }
        if let old, old.retracted == new.retracted {
            // A correction of indexed text (a retracted record's words are none, before and after).
            if !new.retracted { textChanges(number, from: old, to: new, into: &postings) }
            return
        }
        let before = words(old), after = words(new)
        before.forEach { word, hash in
            if !after.contains(word, hash: hash) { postings.record(word, hash: hash, number, add: false) }
        }
        after.forEach { word, hash in
            if !before.contains(word, hash: hash) { postings.record(word, hash: hash, number, add: true) }
        }
    }

    /// The words record `number` leaves and enters when a correction changes some of its indexed
    /// fields: those the changed fields held and hold no longer, or the other way round, unless a
    /// field the correction left alone holds them. The unchanged fields (a long body, most often)
    /// are folded once, and only looked up, never collected.
    private static func textChanges(_ number: UInt64, from old: RecordState, to new: RecordState, into postings: inout PostingChanges) {
        let changed = wordFields.filter { old.document[$0] != new.document[$0] }
        let before = words(of: old, in: changed), after = words(of: new, in: changed)
        // The words that would leave (false) or enter (true), in the order the full comparison
        // records them: leaving in the old state's order, then entering in the new one's.
        var candidates = WordTable(expectedWords: 16), enters: [Bool] = []
        before.forEach { word, hash in
            if !after.contains(word, hash: hash) { candidates.insert(word, hash: hash); enters.append(false) }
        }
        after.forEach { word, hash in
            if !before.contains(word, hash: hash) { candidates.insert(word, hash: hash); enters.append(true) }
        }
        guard !enters.isEmpty else { return }
        var kept = [Bool](repeating: false, count: enters.count)
        forEachWord(of: new, in: wordFields.filter { !changed.contains($0) }) { word, hash in
            if let slot = candidates.slot(of: word, hash: hash) { kept[slot] = true }
        }
        var slot = 0
        candidates.forEach { word, hash in
            if !kept[slot] { postings.record(word, hash: hash, number, add: enters[slot]) }
            slot += 1
        }
    }

    /// Whether two states of a record are found by the same words.
    private static func sameWords(_ a: RecordState, _ b: RecordState) -> Bool {
        a.retracted == b.retracted && wordFields.allSatisfy { a.document[$0] == b.document[$0] }
    }
}
