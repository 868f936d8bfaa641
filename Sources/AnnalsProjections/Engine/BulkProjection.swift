public import AnnalsLMDB

/// A projection a rebuild can build in bulk: instead of writing each batch's part at once, as
/// `apply` does on the append path, it collects what the batches contribute in memory and writes
/// it in key order, a few times per rebuild. The tables end up exactly as `apply` over the same
/// batches would leave them; `annals verify` builds its fresh copy with `apply`, so the two
/// algorithms check each other on every store a rebuild made.
public protocol BulkProjection: Projection {
    /// A collector for one rebuild of this projection's tables (one generation of them).
    func collector() -> any BulkCollector
}

/// What one bulk rebuild of a projection holds between its writes to the tables.
///
/// The runner calls `collect` for each batch in log order, and `write` whenever the rebuild lets
/// go of memory and once at its end. A write may span transactions, to bound the pages LMDB holds
/// on the heap: `write` stops once its transaction has put `stopAfterBytes`, returning false, and
/// the next transaction's `write` goes on where the committed one stopped. When LMDB makes the
/// runner redo a transaction (a map growth), the batches it had taken are collected again and
/// `write` runs again on the rolled-back tables: collecting a batch twice, in order, and writing
/// twice must leave the tables as doing each once would.
public protocol BulkCollector: AnyObject {
    /// Takes one batch. It may write part of it at once, inside `txn`, and keep the rest.
    func collect(_ batch: ProjectionBatch, to tables: ProjectionTables, in txn: WriteTransaction) throws
    /// Roughly how many bytes of memory what it holds takes.
    var heldBytes: Int { get }
    /// Writes what it holds into `tables` inside `txn`, from where the last committed `write`
    /// stopped; true when it wrote all, false when it stopped once `txn` had put `stopAfterBytes`.
    func write(to tables: ProjectionTables, in txn: WriteTransaction, stopAfterBytes: Int) throws -> Bool
    /// The transaction of the last `write` committed: what it wrote is forgotten.
    func written()
}
