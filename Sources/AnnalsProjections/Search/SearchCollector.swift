import AnnalsLMDB

/// The search projection's bulk rebuild: a new record's number is written with its batch (the
/// table is appended in number order anyway), its postings are recorded on another thread
/// (`PostingsWorker`) and written word by word in key order when the rebuild flushes, the first
/// time appended to the empty table.
final class SearchCollector: BulkCollector {
    private let worker = PostingsWorker()
    /// Whether a finished write has put postings in the table.
    private var tableHoldsPostings = false
    /// While a write spans transactions: the words in key order, how many of them committed
    /// transactions wrote, and how many the open one has.
    private var order: [Int]?
    private var committed = 0, pending = 0

    deinit { worker.stop() }

    func collect(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws {
        try SearchProjection.putNumbers(batch, numbers: tables(SearchProjection.numbersTable), in: txn)
        worker.record(batch)
    }

    var heldBytes: Int { worker.heldBytes }

    func write(to tables: ProjectionTables, in txn: WriteTransaction, stopAfterBytes: Int) throws -> Bool {
        let blocks = try tables(SearchProjection.blocksTable)
        return try worker.withDrained { postings in
            let order = self.order ?? postings.slotsInKeyOrder()
            self.order = order
            pending = try committed + postings.write(order[committed...], to: blocks, in: txn,
                                                      tableIsEmpty: !tableHoldsPostings, stopAfterBytes: stopAfterBytes)
            return pending == order.count
        }
    }

    func written() {
        committed = pending
        guard let order, committed == order.count else { return }
        worker.withDrained { postings in
            if !postings.isEmpty { tableHoldsPostings = true }
            postings = PostingChanges()
        }
        self.order = nil
        committed = 0
        pending = 0
    }
}
