import AnnalsRecords
import Foundation

/// An import on both cores: the inputs are read on a thread of their own, which also does the
/// work a record needs without the store (parsing, checking, planning its create:
/// `ImportPlanner`), while the calling thread, which holds the write transaction, looks up
/// current states and appends. At most `depth` prepared records wait between the two, so memory
/// stays bounded whatever the input's size.
///
/// A failure on either side ends both: a reader's error is thrown here once the records read
/// before it are consumed; a consumer's error stops the reader (at its next record) and is thrown.
final class ImportPipeline: @unchecked Sendable {
    // @unchecked: every mutable field below is read and written only under `condition`; the
    // readers are handed to the reading thread and used by it alone.
    private let condition = NSCondition()
    private var ready: [PreparedImportItem] = []
    private var finished = false
    private var stopped = false
    private var failure: (any Error)?
    private let depth: Int

    /// What reads one input, handing each item to the closure it is given.
    typealias Reader = ((ImportItem) throws -> Void) throws -> Void

    private init(depth: Int) { self.depth = depth }

    /// Reads `readers` in order on another thread, prepares each item with `planner`, and calls
    /// `consume` with each on this thread, in input order.
    static func run(_ readers: [Reader], planner: ImportPlanner, depth: Int = 512,
                    consume: (PreparedImportItem) throws -> Void) throws {
        let pipeline = ImportPipeline(depth: depth)
        let handed = HandedReaders(readers: readers)
        let thread = Thread { pipeline.read(handed.readers, planner: planner) }
        thread.name = "annals import reader"
        thread.start()
        do {
            while let items = try pipeline.next() {
                for item in items { try consume(item) }
            }
        } catch {
            pipeline.stop()
            throw error
        }
    }

    /// What the reader has prepared since the last call, waiting for some; nil once it is done.
    private func next() throws -> [PreparedImportItem]? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        if !ready.isEmpty {
            let taken = ready
            ready.removeAll(keepingCapacity: true)
            condition.broadcast()
            return taken
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the reader and waits until it has ended.
    private func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func read(_ readers: [Reader], planner: ImportPlanner) {
        var problem: (any Error)?
        do {
            for reader in readers {
                try reader { item in
                    let prepared = planner.prepare(item)
                    condition.lock()
                    defer { condition.unlock() }
                    while ready.count >= depth && !stopped { condition.wait() }
                    guard !stopped else { throw Stopped() }
                    ready.append(prepared)
                    condition.broadcast()
                }
            }
        } catch is Stopped {
        } catch {
            problem = error
        }
        condition.lock()
        failure = problem
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Ends a reader when the consumer has failed.
    private struct Stopped: Error {}

    /// The readers, on their way to the thread that alone runs them.
    private struct HandedReaders: @unchecked Sendable {
        let readers: [Reader]
    }
}
