import Foundation

/// Records the posting changes of a rebuild's batches (`SearchProjection.recordPostings`) on a
/// thread of its own, in the order the batches are given, while the writer goes on with the other
/// projections: a rebuild's writer spent a third of its time here. At most two batches wait.
///
/// The writer reaches the postings only through `withDrained`, which waits until every batch
/// given has been recorded; the worker reaches them only while it records one.
final class PostingsWorker: @unchecked Sendable {
    // @unchecked: `waiting`, `recording`, `stopped` and `held` are read and written under
    // `condition`; `postings` by the worker while `recording`, and otherwise under `condition`.
    private let condition = NSCondition()
    private var waiting: [ProjectionBatch] = []
    private var recording = false
    private var stopped = false
    private var postings = PostingChanges()
    private var held = 0

    init() {
        let thread = Thread { [self] in run() }
        thread.name = "annals postings"
        thread.start()
    }

    /// Gives the worker one more batch, waiting while two wait.
    func record(_ batch: ProjectionBatch) {
        condition.lock()
        defer { condition.unlock() }
        while waiting.count >= 2 { condition.wait() }
        waiting.append(batch)
        condition.broadcast()
    }

    /// Roughly the bytes the postings take, as of the last batch recorded.
    var heldBytes: Int {
        condition.lock()
        defer { condition.unlock() }
        return held
    }

    /// Runs `body` on the postings once every batch given has been recorded.
    func withDrained<T>(_ body: (inout PostingChanges) throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        while recording || !waiting.isEmpty { condition.wait() }
        let result = try body(&postings)
        held = postings.heldBytes
        return result
    }

    /// Ends the thread; batches still waiting are dropped. The worker's owner calls this when done.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while waiting.isEmpty && !stopped { condition.wait() }
            if stopped { break }
            let batch = waiting.removeFirst()
            recording = true
            condition.unlock()
            SearchProjection.recordPostings(batch, into: &postings)
            condition.lock()
            held = postings.heldBytes
            recording = false
            condition.broadcast()
        }
        condition.unlock()
    }
}
