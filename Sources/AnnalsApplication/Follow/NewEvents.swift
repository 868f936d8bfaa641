import Foundation
import Synchronization

/// Where a process says that its log grew, and where anything reading the log waits for that.
///
/// Appends made in this process are announced (`announce`) and wake every waiter at once. Appends
/// made elsewhere (another process writing the same store, another writer of a shared log) are
/// not announced: a waiter finds them by looking again when its wait times out. So a missing
/// announcement costs at most one timeout, never an event.
///
/// A waiter reads `announced` before it looks at the log and passes that count to `wait`: an
/// announcement made after the look and before the wait then ends the wait at once.
public final class NewEvents: Sendable {
    private struct State {
        var announced: UInt64 = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// How many announcements were made so far.
    public var announced: UInt64 { state.withLock { $0.announced } }

    /// Says that the log grew: every waiting `wait` returns.
    public func announce() {
        let woken = state.withLock { state in
            state.announced &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns once an announcement was made after `seen` (a value `announced` gave), once
    /// `timeout` has passed, or once the calling task is cancelled, whichever comes first.
    public func wait(after seen: UInt64, atMost timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.announcement(after: seen) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns once an announcement was made after `seen`, or the task is cancelled.
    private func announcement(after seen: UInt64) async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    guard state.announced == seen, !Task.isCancelled else { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            // Cancelled before it registered: the check above sees it. After: it is taken out here.
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}

/// How a reader of a log that grows paces itself, and its loop: the one way `annals follow`, a
/// follower's `annals serve` and the live log (`GET /log`) wait for new events.
///
/// Each turn runs a step. A step that found nothing more to do (caught up) is followed by a wait
/// for an announcement in `news`, at most `idle`; a step that failed with an error the caller
/// chooses to ride out, by a pause of `retry`.
public struct LogPacing: Sendable {
    /// The longest wait after a step that caught up: how late an unannounced append is seen.
    public var idle: Duration
    /// The pause after a step that failed and is to be tried again.
    public var retry: Duration
    /// What in-process appends announce themselves to.
    public let news: NewEvents

    public init(idle: Duration, retry: Duration = .seconds(1), news: NewEvents = NewEvents()) {
        self.idle = idle
        self.retry = retry
        self.news = news
    }

    /// Runs `step` until `stop` returns true or the task is cancelled. `step` returns whether it
    /// caught up (nothing more to read now). When it throws, `failed` decides: it rethrows to end
    /// the loop with that error, or returns to pause `retry` and run the step again.
    public func run(stop: () -> Bool = { false }, step: () async throws -> Bool,
                    failed: (any Error) throws -> Void) async throws {
        while !stop() && !Task.isCancelled {
            let seen = news.announced
            do {
                if try await step() { await news.wait(after: seen, atMost: idle) }
            } catch {
                try failed(error)
                try? await Task.sleep(for: retry)
            }
        }
    }
}
