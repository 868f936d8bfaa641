import AnnalsRecords
import Foundation

/// An import on every core: one thread reads the inputs, a second does the work each record needs
/// without the store (checking it, planning its create: `ImportPlanner`), and the calling thread,
/// which holds the write transaction, looks up current states and appends. At most `depth` items
/// wait between two stages, so memory stays bounded whatever the input's size.
///
/// A failure anywhere ends every stage: a reader's error is thrown here once the records read
/// before it are consumed; a consumer's error stops the stages before it (at their next record)
/// and is thrown.
enum ImportPipeline {
    /// What reads one input, handing each item to the closure it is given.
    typealias Reader = ((ImportItem) throws -> Void) throws -> Void

    /// Reads `readers` in order, prepares each item with `planner`, and calls `consume` with each
    /// on this thread, in input order.
    static func run(_ readers: [Reader], planner: ImportPlanner, depth: Int = 512,
                    consume: (PreparedImportItem) throws -> Void) throws {
        let read = HandOff<ImportItem>(depth: depth), planned = HandOff<PreparedImportItem>(depth: depth)
        let handed = HandedReaders(readers: readers)
        start("annals import reader") {
            do {
                for reader in handed.readers { try reader { try read.put($0) } }
                read.finish(nil)
            } catch {
                read.finish(error is HandOff<ImportItem>.Stopped ? nil : error)
            }
        }
        start("annals import planner") {
            do {
                while let items = try read.take() {
                    for item in items { try planned.put(planner.prepare(item)) }
                }
                planned.finish(nil)
            } catch {
                read.stop()
                planned.finish(error is HandOff<PreparedImportItem>.Stopped ? nil : error)
            }
        }
        do {
            while let items = try planned.take() {
                for item in items { try consume(item) }
            }
        } catch {
            planned.stop()
            throw error
        }
    }

    private static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }

    /// The readers, on their way to the thread that alone runs them.
    private struct HandedReaders: @unchecked Sendable {
        let readers: [Reader]
    }
}

/// A bounded queue from one thread to another. The putter ends it with `finish`; the taker takes
/// what is there, in order, and may `stop`, after which puts throw.
final class HandOff<Item: Sendable>: @unchecked Sendable {
    // @unchecked: every mutable field below is read and written only under `condition`.
    private let condition = NSCondition()
    private var items: [Item] = []
    private var finished = false
    private var stopped = false
    private var failure: (any Error)?
    private let depth: Int

    /// What a put throws once the taker has stopped.
    struct Stopped: Error {}

    init(depth: Int) { self.depth = max(1, depth) }

    /// Adds `item`, waiting while `depth` items wait; throws `Stopped` once the taker has stopped.
    func put(_ item: Item) throws {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= depth && !stopped { condition.wait() }
        guard !stopped else { throw Stopped() }
        items.append(item)
        condition.broadcast()
    }

    /// No more items come; `failure`, if any, is thrown to the taker after the items before it.
    func finish(_ failure: (any Error)?) {
        condition.lock()
        self.failure = failure
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Every item put since the last take, waiting for one; nil once finished and taken. Throws
    /// the putter's failure once the items before it are taken.
    func take() throws -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        if !items.isEmpty {
            let taken = items
            items.removeAll(keepingCapacity: true)
            condition.broadcast()
            return taken
        }
        if let failure { throw failure }
        return nil
    }

    /// The taker stops: the putter's next put throws `Stopped`. Returns once the putter finished.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
