import AnnalsLMDB

/// The search projection's bulk rebuild: a new record's number is written with its batch (the
/// table is appended in number order anyway), its postings are held and written word by word in
/// key order when the rebuild flushes, the first time appended to the empty table.
final class SearchCollector: BulkCollector {
    private var postings = PostingChanges()
    /// Whether a committed write has put postings in the table.
    private var tableHoldsPostings = false

    func collect(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws {
        try SearchProjection.collect(batch, numbers: tables(SearchProjection.numbersTable), into: &postings, in: txn)
    }

    var heldBytes: Int { postings.heldBytes }

    func write(to tables: ProjectionTables, in txn: WriteTransaction) throws {
        guard !postings.isEmpty else { return }
        try postings.write(to: tables(SearchProjection.blocksTable), in: txn, tableIsEmpty: !tableHoldsPostings)
    }

    func written() {
        if !postings.isEmpty { tableHoldsPostings = true }
        postings = PostingChanges()
    }
}
