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

    /// Adds to `postings` what the batch changes in the word index. Reads nothing from the store.
    static func recordPostings(_ batch: ProjectionBatch, into postings: inout PostingChanges) {
        // In number order, so a word's new records arrive ascending, as its blocks hold them.
        // A record the batch created brings its create, whose words were folded ahead with the
        // state they were folded from: they still serve when later events of the batch left the text alone.
        let records = batch.records
        for index in records.indices.sorted(by: { records[$0].number < records[$1].number }) {
            RecordWords.postingChanges(records[index], create: records[index].creation, into: &postings)
        }
    }

    /// The folded words a live record is found by: title, text, places, people, keywords.
    static func words(_ state: RecordState?) -> WordTable {
        guard let state, !state.retracted else { return WordTable() }
        return RecordWords.words(of: state, in: wordFields)
    }
}
