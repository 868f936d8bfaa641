import AnnalsCore
import AnnalsPostgres
import Foundation

/// How a follower waits out a shared log it cannot reach: a call is run again, with pauses
/// doubling from 0.1 s to 1 s, while it fails as unavailable, until `patience` has passed since its
/// first failure. The window starts when a call fails, not when it starts: a call that hung until
/// its own timeout (longer than `patience`) is still retried, so a short outage never fails an edit.
/// Any other failure of the shared log is passed on at once, with its address.
struct SharedLogRetry: Sendable {
    /// The shared log's address, without secrets, as messages name it.
    let address: String
    let patience: Duration

    init(address: String, patience: Duration) {
        self.address = address
        self.patience = patience
    }

    /// Runs `body` as described above; `what` completes "could not … at ADDRESS" in the refusal.
    func run<T>(_ what: String, _ body: () throws -> T) throws -> T {
        var deadline: ContinuousClock.Instant?
        var pause = 0.1
        while true {
            do {
                return try body()
            } catch let error as PostgresLogError where error.isUnavailable {
                let now = ContinuousClock.now
                if deadline == nil { deadline = now + patience }
                guard let deadline, now < deadline else {
                    throw ApplicationError("could not \(what) at \(address) for \(patience.components.seconds) s: \(error); "
                                           + "nothing was changed unless the shared log shows it",
                                           kind: .unavailable, remedy: .checkHistoryThenRetry)
                }
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 1)
            } catch let error as PostgresLogError {
                throw ApplicationError("the shared log at \(address) failed: \(error)")
            }
        }
    }
}
