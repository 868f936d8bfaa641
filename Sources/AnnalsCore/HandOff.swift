import Foundation

/// A bounded queue from one thread to another: an import's stages (`ImportPipeline`), a rebuild's
/// or catch-up's read-ahead. The putter ends it with `finish`; the taker takes what is there, in
/// order, and may `stop`, after which puts throw.
package final class HandOff<Item: Sendable>: @unchecked Sendable {
    // @unchecked: every mutable field below is read and written only under `condition`.
    private let condition = NSCondition()
    private var items: [Item] = []
    private var finished = false
    private var stopped = false
    private var failure: (any Error)?
    private let depth: Int

    /// What a put throws once the taker has stopped.
    package struct Stopped: Error {}

    package init(depth: Int) { self.depth = max(1, depth) }

    /// Starts the putter: `fill` runs on a thread of its own (named `threadName`), putting items,
    /// and the queue is finished when it returns, with what it threw (nothing when it ended
    /// because the taker stopped).
    package func fill(onThread threadName: String, _ fill: @escaping @Sendable () throws -> Void) {
        let thread = Thread { [self] in
            do {
                try fill()
                finish(nil)
            } catch {
                finish(error is Stopped ? nil : error)
            }
        }
        thread.name = threadName
        thread.start()
    }

    /// Adds `item`, waiting while `depth` items wait; throws `Stopped` once the taker has stopped.
    package func put(_ item: Item) throws {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= depth && !stopped { condition.wait() }
        guard !stopped else { throw Stopped() }
        items.append(item)
        condition.broadcast()
    }

    /// No more items come; `failure`, if any, is thrown to the taker after the items before it.
    package func finish(_ failure: (any Error)?) {
        condition.lock()
        self.failure = failure
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The items put since the last take (at most `limit` of them, the oldest), waiting for one;
    /// nil once finished and taken. Throws the putter's failure once the items before it are taken.
    package func take(upTo limit: Int = .max) throws -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        if !items.isEmpty {
            let count = min(max(1, limit), items.count)
            let taken = Array(items.prefix(count))
            items.removeFirst(count)
            condition.broadcast()
            return taken
        }
        if let failure { throw failure }
        return nil
    }

    /// The taker stops: the putter's next put throws `Stopped`. Returns once the putter finished.
    package func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
