import AnnalsLMDB

/// The search projection's bulk rebuild: a new record's number is written with its batch (the
/// table is appended in number order anyway), its postings are held and written word by word in
/// key order when the rebuild flushes, the first time appended to the empty table.
final class SearchCollector: BulkCollector {
    private var postings = PostingChanges()
    /// Whether a finished write has put postings in the table.
    private var tableHoldsPostings = false
    /// While a write spans transactions: the words in key order, how many of them committed
    /// transactions wrote, and how many the open one has.
    private var order: [Int]?
    private var committed = 0, pending = 0

    func collect(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws {
        try SearchProjection.putNumbers(batch, numbers: tables(SearchProjection.numbersTable), in: txn)
        SearchProjection.recordPostings(batch, into: &postings)
    }

    var heldBytes: Int { postings.heldBytes }

    func write(to tables: ProjectionTables, in txn: WriteTransaction, stopAfterBytes: Int) throws -> Bool {
        // Until a transaction of this write commits, the order is worked out again: a rerun (a map
        // growth) may have collected events appended meanwhile, with words of their own.
        let order = (committed > 0 ? self.order : nil) ?? postings.slotsInKeyOrder()
        self.order = order
        pending = try committed + postings.write(order[committed...], to: tables(SearchProjection.blocksTable), in: txn,
                                                  tableIsEmpty: !tableHoldsPostings, stopAfterBytes: stopAfterBytes)
        return pending == order.count
    }

    func written() {
        committed = pending
        guard let order, committed == order.count else { return }
        if !postings.isEmpty { tableHoldsPostings = true }
        postings = PostingChanges()
        self.order = nil
        committed = 0
        pending = 0
    }
}
