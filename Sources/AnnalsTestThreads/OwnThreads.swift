import Foundation
public import Testing

/// Runs a suite's tests on a pool of plain threads instead of Swift's cooperative pool.
///
/// The test runner starts every test at once, but runs them on the cooperative pool, which has one
/// thread per core (two on the machines this project is tested on). A test that blocks a thread
/// (on a child process, a socket, a clock or a thread it waits for) holds one of those threads
/// for as long as it waits, and the CPU it does not use is lost to every other test. Suites whose
/// tests block (those that start `annals`, a server, PostgreSQL or a script, and those that park
/// threads on purpose) carry `.onOwnThreads`: their tests queue for `OwnThreads.width` threads of
/// their own and wait there, while the cooperative pool keeps computing the other tests.
///
/// Nothing about a test changes but the thread it runs on: `.serialized` still serialises, and a
/// test's child tasks run on the same pool (the executor preference is inherited). The pool does
/// not grow: a test must not block its thread waiting for work of its own that needs the pool (a
/// child task, `async let`), or four such tests would wait for each other forever. An async test
/// that resumes after an `await` queues behind the jobs already waiting, as on any executor.
public struct OwnThreads: SuiteTrait, TestTrait, TestScoping {
    /// The pool's threads: how many marked tests can block at the same time. Four keeps both
    /// cores busy while two of them wait, without so many runnable processes that a test's
    /// patience (a few seconds for a shared log to come back, a follower to catch up) is spent
    /// waiting for a core.
    public static let width = 4

    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> OwnThreads? {
        testCase == nil ? nil : self
    }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        try await withTaskExecutorPreference(ThreadPoolExecutor.shared) {
            try await function()
        }
    }
}

extension Trait where Self == OwnThreads {
    /// The suite's tests run on threads of their own, so their waiting holds no cooperative thread.
    public static var onOwnThreads: OwnThreads { OwnThreads() }
}

/// A task executor with a fixed number of threads that take jobs in the order they arrive.
final class ThreadPoolExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = ThreadPoolExecutor(width: OwnThreads.width)

    // Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private var next = 0
    private let condition = NSCondition()

    private init(width: Int) {
        for index in 0..<width {
            let thread = Thread { [self] in work() }
            thread.name = "test thread \(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while next == jobs.count { condition.wait() }
            let job = jobs[next]
            next += 1
            // Taken jobs are dropped when none is left, or when they are most of the array.
            if next == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                next = 0
            } else if next >= 64, next * 2 >= jobs.count {
                jobs.removeFirst(next)
                next = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
