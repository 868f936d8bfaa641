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
        try Self.collect(batch, numbers: tables(Self.numbersTable), into: &postings, in: txn)
        try postings.write(to: tables(Self.blocksTable), in: txn, tableIsEmpty: false)
    }

    func collector() -> any BulkCollector { SearchCollector() }

    /// Writes the numbers of the batch's new records, and adds to `postings` what the batch
    /// changes in the word index.
    static func collect(_ batch: ProjectionBatch, numbers: Database, into postings: inout PostingChanges, in txn: WriteTransaction) throws {
        // The words folded ahead for each record the batch created, with the state they were
        // folded from: they still serve when later events of the batch left the text alone.
        var foldedAhead: [RecordID: (state: RecordState, words: WordTable)] = [:]
        for change in batch.changes where change.before == nil {
            // A create: positions only grow, so the number-to-id table is appended.
            try txn.put(numbers, bigEndian(change.number), Array(change.id.rawValue.utf8), options: .append)
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
        var words = WordTable(expectedWords: 64)
        func collect(_ value: JSONValue?) {
            switch value {
            case .string(let text)?:
                TextFolding.forEachWord(in: text) { word in
                    let indexed = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: word[..<TextFolding.indexedLength(word)]))
                    words.insert(indexed, hash: WordTable.hash(indexed))
                }
            case .array(let items)?: items.forEach { collect($0) }
            case .object(let members)?: members.values.forEach { collect($0) }
            default: break
            }
        }
        for field in wordFields { collect(state.document[field]) }
        return words
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
        let before = words(old), after = words(new)
        before.forEach { word, hash in
            if !after.contains(word, hash: hash) { postings.record(word, hash: hash, number, add: false) }
        }
        after.forEach { word, hash in
            if !before.contains(word, hash: hash) { postings.record(word, hash: hash, number, add: true) }
        }
    }

    /// Whether two states of a record are found by the same words.
    private static func sameWords(_ a: RecordState, _ b: RecordState) -> Bool {
        a.retracted == b.retracted && wordFields.allSatisfy { a.document[$0] == b.document[$0] }
    }
}
