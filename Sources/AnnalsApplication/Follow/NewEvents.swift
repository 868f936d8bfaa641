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
/// announcement made after the look and before the wait then ends the wait at once. Tasks wait
/// with `wait`, threads that may block (a command's own thread) with `waitBlocking`.
public final class NewEvents: Sendable {
    private enum Waiter {
        case task(CheckedContinuation<Void, Never>)
        case thread(DispatchSemaphore)

        func wake() {
            switch self {
            case .task(let continuation): continuation.resume()
            case .thread(let semaphore): semaphore.signal()
            }
        }
    }

    private struct State {
        var announced: UInt64 = 0
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0

        mutating func newID() -> Int {
            defer { nextWaiter += 1 }
            return nextWaiter
        }
    }

    private let state = Mutex(State())

    public init() {}

    /// How many announcements were made so far.
    public var announced: UInt64 { state.withLock { $0.announced } }

    /// How many waits are registered now: a wait registers once it has begun, and is taken out
    /// when it ends, whatever ended it.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Says that the log grew: every waiting `wait` and `waitBlocking` returns.
    public func announce() {
        let woken = state.withLock { state in
            state.announced &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.wake() }
    }

    /// Returns once an announcement was made after `seen` (a value `announced` gave), once
    /// `timeout` has passed, or once the calling task is cancelled, whichever comes first. True
    /// when an announcement ended it.
    @discardableResult
    public func wait(after seen: UInt64, atMost timeout: Duration) async -> Bool {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.announcement(after: seen) }
            await group.next()
            group.cancelAll()
        }
        return announced != seen
    }

    /// `wait` for a thread that may block: returns once an announcement was made after `seen` or
    /// `timeout` has passed. True when an announcement ended it.
    @discardableResult
    public func waitBlocking(after seen: UInt64, atMost timeout: Duration) -> Bool {
        let semaphore = DispatchSemaphore(value: 0)
        let id: Int? = state.withLock { state in
            guard state.announced == seen else { return nil }
            let id = state.newID()
            state.waiters[id] = .thread(semaphore)
            return id
        }
        guard let id else { return true }
        if semaphore.wait(timeout: .now() + timeout.seconds) == .timedOut {
            // Announced meanwhile: the waiter was taken out, and the signal is simply not waited for.
            state.withLock { _ = $0.waiters.removeValue(forKey: id) }
        }
        return announced != seen
    }

    /// Returns once an announcement was made after `seen`, or the task is cancelled.
    private func announcement(after seen: UInt64) async {
        let id = state.withLock { $0.newID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    guard state.announced == seen, !Task.isCancelled else { return true }
                    state.waiters[id] = .task(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            // Cancelled before it registered: the check above sees it. After: it is taken out here.
            state.withLock { $0.waiters.removeValue(forKey: id) }?.wake()
        }
    }
}

/// How a reader of a log that grows paces itself, and its loop: the one way `annals follow`, a
/// follower's `annals serve` and the live log (`GET /log`) wait for new events.
///
/// Each turn runs a step. A step that found nothing more to do (caught up) is followed by a wait
/// for an announcement in `news`, at most `idle`, then, when an announcement ended the wait, a
/// pause of `settle`, so that a burst of commits is read in one look; a step that failed with an
/// error the caller chooses to ride out is followed by a pause of `retry`.
public struct LogPacing: Sendable {
    /// The longest wait after a step that caught up: how late an unannounced append is seen.
    public var idle: Duration
    /// The pause after a step that failed and is to be tried again.
    public var retry: Duration
    /// The pause after an announcement before the next look (zero: none).
    public var settle: Duration
    /// What in-process appends announce themselves to.
    public let news: NewEvents

    public init(idle: Duration, retry: Duration = .seconds(1), settle: Duration = .zero, news: NewEvents = NewEvents()) {
        self.idle = idle
        self.retry = retry
        self.settle = settle
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
                if try await step(), await news.wait(after: seen, atMost: idle), settle > .zero {
                    try? await Task.sleep(for: settle)
                }
            } catch {
                try failed(error)
                try? await Task.sleep(for: retry)
            }
        }
    }

    /// `run` on a thread that may block (a command's own thread, which makes blocking calls to
    /// the shared log): the same turns, waiting with `NewEvents.waitBlocking`.
    public func runBlocking(stop: () -> Bool = { false }, step: () throws -> Bool, failed: (any Error) throws -> Void) throws {
        while !stop() {
            let seen = news.announced
            do {
                if try step(), news.waitBlocking(after: seen, atMost: idle), settle > .zero {
                    Thread.sleep(forTimeInterval: settle.seconds)
                }
            } catch {
                try failed(error)
                Thread.sleep(forTimeInterval: retry.seconds)
            }
        }
    }
}

extension Duration {
    /// The duration in seconds, as the blocking waits take it.
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
