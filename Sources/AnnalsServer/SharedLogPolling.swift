import AnnalsApplication
import Logging

/// On a follower's store, `annals serve` keeps applying the shared log's new events between
/// requests (a thousand at a time, so requests wait at most one batch), looking again after
/// `idle` when there are none. While the shared log cannot be reached it logs that once, serves
/// what it holds, and tries again every second. Each batch applied is announced to the gate's
/// `news`, so the live log's subscribers see it at once.
enum SharedLogPolling {
    static func run(gate: StoreGate, logger: Logger, idle: Duration = .milliseconds(50)) async {
        var failing: String?
        let pacing = LogPacing(idle: idle)
        try? await pacing.run {
            let applied = try await gate.run { try $0.applyShared() }
            if let problem = failing {
                logger.info("the shared log answers again", metadata: ["after": "\(problem)"])
                failing = nil
            }
            if applied > 0 { gate.news.announce() }
            return applied == 0
        } failed: { error in
            let problem = Failure(error)?.message ?? "\(error)"
            if failing != problem { logger.warning("cannot follow the shared log; serving what this store holds", metadata: ["problem": "\(problem)"]) }
            failing = problem
        }
    }
}
