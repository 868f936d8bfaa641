import Foundation

/// Runs asynchronous work for a synchronous command (`annals serve`'s server): `body` runs in a
/// task of its own while the command's thread waits for it, and its value or error is the
/// command's. The task inherits the command's console. Not for work that blocks: that stays on
/// the command's thread.
///
/// What `body` captures is used by that task alone: the command's thread does nothing but wait.
func waitingFor<T>(_ body: @escaping () async throws -> T) throws -> T {
    let work = TaskOwned(body)
    let outcome = TaskOwned<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        do { outcome.value = .success(try await work.value()) } catch { outcome.value = .failure(error) }
        done.signal()
    }
    done.wait()
    guard let result = outcome.value else { throw CLIError("the command's task ended without an outcome") }
    return try result.get()
}

/// A value handed between a waiting command's thread and the task it waits for: the thread sets
/// or reads it only before the task starts and after the task signalled its end.
private final class TaskOwned<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
