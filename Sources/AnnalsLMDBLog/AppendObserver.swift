public import AnnalsCore
public import AnnalsLMDB

/// Work that joins the write transaction of every append to an `LMDBEventLog`, the way GRDB's
/// `TransactionObserver` joins a database transaction: the inline projections. It runs before the
/// commit, so an acknowledged append has it done; a throw aborts the whole transaction, the
/// append included, and nothing is written.
public protocol AppendObserver: AnyObject {
    /// Before anything is written: a throw refuses the append.
    func willAppend(in txn: WriteTransaction) throws
    /// After new events were written, in log order (never for an append whose events were all
    /// stored already).
    func didAppend(_ events: [RecordedEvent], in txn: WriteTransaction) throws
}
