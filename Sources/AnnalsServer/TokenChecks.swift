import NIOConcurrencyHelpers
import NIOPosix

/// Where the server runs its bcrypt checks: on `limit` threads of their own (never a thread that
/// runs Swift tasks, so signed-in requests keep being served while checks run), at most `limit` at
/// once, with at most `queueLimit` more waiting; past that a check is refused at once (`nil`)
/// rather than queued, so a flood of wrong tokens costs a bounded amount of CPU.
final class TokenChecks: Sendable {
    /// What the checks have done, for the server's closing log line and for tests.
    struct Counts: Sendable, Equatable {
        /// Checks run (real and dummy alike).
        var run = 0
        /// The most that ran at once.
        var peak = 0
        /// Checks refused because the queue was full.
        var refused = 0
    }

    let limit: Int
    let queueLimit: Int
    private let pool: NIOThreadPool
    private let state = NIOLockedValueBox((running: 0, waiting: 0, counts: Counts()))

    init(limit: Int, queueLimit: Int) {
        self.limit = max(1, limit)
        self.queueLimit = max(0, queueLimit)
        pool = NIOThreadPool(numberOfThreads: self.limit)
        pool.start()
    }

    /// Runs `check` (one bcrypt verification) on a check thread and returns its answer; nil when
    /// `limit` checks run and `queueLimit` wait already.
    func run(_ check: @escaping @Sendable () -> Bool) async throws -> Bool? {
        let admitted = state.withLockedValue { state -> Bool in
            guard state.waiting < queueLimit + limit else {
                state.counts.refused += 1
                return false
            }
            state.waiting += 1
            return true
        }
        guard admitted else { return nil }
        defer { state.withLockedValue { $0.waiting -= 1 } }
        return try await pool.runIfActive { [state] in
            state.withLockedValue { state in
                state.running += 1
                state.counts.run += 1
                state.counts.peak = max(state.counts.peak, state.running)
            }
            defer { state.withLockedValue { $0.running -= 1 } }
            return check()
        }
    }

    var counts: Counts { state.withLockedValue { $0.counts } }

    /// Stops the check threads once the checks under way are done.
    func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
