import Dispatch
import Synchronization

/// Runs async work to completion from synchronous code (the `EventLog` protocol is synchronous;
/// postgres-nio is async). Call it from a thread that may block (the command line, a test), never
/// from a Swift-concurrency task: it waits on a semaphore until the work is done.
func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        let result: Result<T, any Error>
        do { result = .success(try await work()) } catch { result = .failure(error) }
        outcome.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    guard let result = outcome.withLock({ $0 }) else { throw PostgresLogError("the work ended without a result") }
    return try result.get()
}
