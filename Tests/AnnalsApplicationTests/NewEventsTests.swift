@testable import AnnalsApplication
import AnnalsTestThreads
import Foundation
import Synchronization
import Testing

/// The one way readers wait for a log to grow: an announcement wakes them at once, a timeout
/// finds what nobody announced, and the loop rides out the failures its caller chooses. The tests
/// park threads on purpose, so they run on threads of their own (`.onOwnThreads`). The time limit
/// only ends a hang: in the full run these tests can queue for those threads for minutes.
@Suite("Waiting for new events", .onOwnThreads, .timeLimit(.minutes(10)))
struct NewEventsTests {
    /// Waits (briefly, repeatedly) until `count` waits are registered with `news`.
    static func registered(_ count: Int, _ news: NewEvents) async throws {
        while news.waiting != count { try await Task.sleep(for: .milliseconds(1)) }
    }

    @Test("an announcement wakes a registered waiter that would wait an hour; one made between a look and the wait is not missed; a wait times out or is cancelled and leaves no waiter behind")
    func announcements() async throws {
        let news = NewEvents()
        let seen = news.announced
        let waiter = Task { await news.wait(after: seen, atMost: .seconds(3600)) }
        try await Self.registered(1, news)
        news.announce()
        #expect(await waiter.value)
        #expect(news.announced == seen + 1 && news.waiting == 0)

        // Announced after the count was read and before the wait began: the wait returns at once.
        let before = news.announced
        news.announce()
        #expect(await news.wait(after: before, atMost: .seconds(3600)))

        // Nothing announced: the wait ends at its timeout, and the count stays.
        let quiet = news.announced
        let clock = ContinuousClock()
        var woken = true
        let waited = await clock.measure { woken = await news.wait(after: quiet, atMost: .milliseconds(30)) }
        #expect(!woken && waited >= .milliseconds(30) && news.announced == quiet && news.waiting == 0)

        // A registered waiter, cancelled, returns without an announcement and is taken out.
        let cancelled = Task { await news.wait(after: quiet, atMost: .seconds(3600)) }
        try await Self.registered(1, news)
        cancelled.cancel()
        #expect(await !cancelled.value)
        #expect(news.announced == quiet && news.waiting == 0)
    }

    @Test("a blocked thread is woken by an announcement, times out, and leaves no waiter behind")
    func blockingWaits() async throws {
        let news = NewEvents()
        let seen = news.announced
        let done = DispatchSemaphore(value: 0)
        let woken = Mutex(false)
        Thread {
            let result = news.waitBlocking(after: seen, atMost: .seconds(3600))
            woken.withLock { $0 = result }
            done.signal()
        }.start()
        try await Self.registered(1, news)
        news.announce()
        done.wait()
        #expect(woken.withLock { $0 } && news.waiting == 0)
        #expect(news.waitBlocking(after: seen, atMost: .seconds(3600)))  // announced since: at once
        #expect(!news.waitBlocking(after: news.announced, atMost: .milliseconds(20)) && news.waiting == 0)
    }

    @Test("the loop waits for news after a step that caught up, pauses after a failure it rides out, ends on the failure it rethrows or when told to stop")
    func pacing() async throws {
        struct Unreachable: Error {}
        struct Damaged: Error {}
        let news = NewEvents()
        // An hour to wait when caught up: only an announcement moves the loop on.
        let pacing = LogPacing(idle: .seconds(3600), retry: .milliseconds(1), news: news)
        let steps = Atomic<Int>(0)
        let announcer = Task {
            while steps.load(ordering: .relaxed) < 2 { try? await Task.sleep(for: .milliseconds(5)) }
            news.announce()
        }
        var ridden = 0
        await #expect(throws: Damaged.self) {
            try await pacing.run {
                switch steps.add(1, ordering: .relaxed).newValue {
                case 1: throw Unreachable()  // ridden out: the step runs again after `retry`
                case 2: return true  // caught up: waits for the announcement
                default: throw Damaged()  // rethrown: the loop ends with it
                }
            } failed: { error in
                guard error is Unreachable else { throw error }
                ridden += 1
            }
        }
        await announcer.value
        #expect(steps.load(ordering: .relaxed) == 3 && ridden == 1)

        // A loop told to stop runs no step.
        var ran = false
        try await pacing.run(stop: { true }) {
            ran = true
            return true
        } failed: { throw $0 }
        #expect(!ran)
    }

    @Test("the blocking loop takes the same turns: a failure ridden out, a wait for news after catching up, the failure it rethrows ends it")
    func blockingPacing() throws {
        struct Unreachable: Error {}
        struct Damaged: Error {}
        let news = NewEvents()
        let pacing = LogPacing(idle: .seconds(3600), retry: .milliseconds(1), news: news)
        let steps = Atomic<Int>(0)
        Thread {
            while steps.load(ordering: .relaxed) < 2 || news.waiting < 1 { Thread.sleep(forTimeInterval: 0.001) }
            news.announce()
        }.start()
        var ridden = 0
        #expect(throws: Damaged.self) {
            try pacing.runBlocking {
                switch steps.add(1, ordering: .relaxed).newValue {
                case 1: throw Unreachable()
                case 2: return true
                default: throw Damaged()
                }
            } failed: { error in
                guard error is Unreachable else { throw error }
                ridden += 1
            }
        }
        #expect(steps.load(ordering: .relaxed) == 3 && ridden == 1)
    }
}
