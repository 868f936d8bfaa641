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
struct SearchProjection: Projection {
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
        let blocks = try tables(Self.blocksTable), numbers = try tables(Self.numbersTable)
        // The words folded ahead for each record the batch created, with the state they were
        // folded from: they still serve when later events of the batch left the text alone.
        var foldedAhead: [RecordID: (state: RecordState, words: Set<FoldedWord>)] = [:]
        for change in batch.changes where change.before == nil {
            // A create: positions only grow, so the number-to-id table is appended.
            try txn.put(numbers, bigEndian(change.number), Array(change.id.rawValue.utf8), options: .append)
            if let words = change.derived(by: name, as: Set<FoldedWord>.self) { foldedAhead[change.id] = (change.after, words) }
        }
        var postings: [FoldedWord: [(number: UInt64, add: Bool)]] = [:]
        for record in batch.records {
            Self.postingChanges(record, foldedAhead: foldedAhead[record.id], into: &postings)
        }
        // In key order: the writes land on few pages, mostly the last block of each word.
        for (word, changes) in postings.sorted(by: { $0.key < $1.key }) {
            try PostingBlocks.apply(changes, to: word.bytes, in: blocks, txn: txn)
        }
    }

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
    /// it leaves and the words it enters. `foldedAhead`: when the batch created the record, the
    /// state it was created in and that state's words, folded on another core.
    private static func postingChanges(_ record: ProjectionBatch.TouchedRecord, foldedAhead: (state: RecordState, words: Set<FoldedWord>)?,
                                       into postings: inout [FoldedWord: [(number: UInt64, add: Bool)]]) {
        let number = record.number, old = record.before, new = record.after
        // Most edits (links, figures, dates) leave the indexed text alone: nothing to fold then.
        if let old, sameWords(old, new) { return }
        if old == nil, let foldedAhead, sameWords(foldedAhead.state, new) {
            // A new record whose words were folded ahead: every word enters, none leaves.
            for word in foldedAhead.words { postings[word, default: []].append((number, true)) }
            return
        }
        let before = words(old), after = words(new)
        for word in before.subtracting(after) { postings[word, default: []].append((number, false)) }
        for word in after.subtracting(before) { postings[word, default: []].append((number, true)) }
    }

    /// Whether two states of a record are found by the same words.
    private static func sameWords(_ a: RecordState, _ b: RecordState) -> Bool {
        a.retracted == b.retracted && wordFields.allSatisfy { a.document[$0] == b.document[$0] }
    }
}

/// A folded word as the search index keys it. Hashes its bytes in one go (an array of bytes
/// hashes byte by byte) and sorts as LMDB orders keys.
struct FoldedWord: Hashable, Comparable, Sendable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func < (a: FoldedWord, b: FoldedWord) -> Bool { keyPrecedes(a.bytes, b.bytes) }
}
