import Foundation

/// A task executor with one thread of its own. The PostgreSQL log's async work runs here, never on
/// Swift's shared pool: its callers block a thread while they wait for that work, and when every
/// thread of the shared pool (as many as cores) is such a caller, work queued there never runs.
final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    /// The one executor of the process (async work here only waits for the network).
    static let shared = ThreadExecutor(name: "annals-postgres")

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init(name: String) {
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
