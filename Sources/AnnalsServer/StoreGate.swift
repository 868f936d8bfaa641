import AnnalsApplication
import AnnalsCore
import NIOPosix
import Synchronization

/// The one way the server reaches the store: calls run one at a time, in order, on a thread of
/// their own. An LMDB environment is used from one thread at a time (`Environment`), LMDB has one
/// writer at a time anyway, and on a follower an edit waits for the shared log (a blocking call,
/// kept off the threads that run Swift tasks). A read takes well under a millisecond.
///
/// Edits are group-committed: those that arrive while the store's thread is busy wait together and
/// then share one synced commit (`AnnalsService.commitTogether`), each with its own checks and its
/// own answer, given only once the commit is on disk. A synced commit costs more than an edit's own
/// work (about three times as much on the 2-core test machine), so under load that cost is shared
/// instead of paid per edit.
final class StoreGate: Sendable {
    private let service: Guarded
    private let thread: NIOThreadPool
    /// Edits waiting for the next group commit, and whether one is scheduled on the thread.
    private let waiting = Mutex(WaitingEdits())

    /// The most edits one commit carries.
    private let editsPerCommit: Int

    /// Announces every commit this server makes (edits, `write`s) and every batch of the shared
    /// log it applies: the live log's subscribers wait on it (`LogPacing`).
    let news = NewEvents()

    /// Opens the store at `path` for reading and writing; at most `editsPerCommit` edits share a
    /// commit (1: each edit commits alone). On a follower's store, an edit waits up to
    /// `sharedLogPatience` for an unreachable shared log.
    init(path: String, editsPerCommit: Int = ServerConfiguration.defaultEditsPerCommit,
         sharedLogPatience: Duration = AnnalsService.defaultSharedLogPatience) throws {
        service = Guarded(try AnnalsService.open(at: path, sharedLogPatience: sharedLogPatience))
        // A follower's edits are each a write of the shared log: grouped, every answer would wait
        // for the round trips of all the edits after it.
        self.editsPerCommit = service.value.isFollower ? 1 : max(1, editsPerCommit)
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    /// Runs `body` against the store on the store's thread.
    func run<T: Sendable>(_ body: @escaping @Sendable (AnnalsService) throws -> T) async throws -> T {
        try await thread.runIfActive { [service] in try body(service.value) }
    }

    /// Runs `body`, which appends to the log outside the group commit (the user administration),
    /// on the store's thread, and announces its commit to `news` when it succeeds.
    func write<T: Sendable>(_ body: @escaping @Sendable (AnnalsService) throws -> T) async throws -> T {
        let value = try await run(body)
        news.announce()
        return value
    }

    /// Runs the edit `body` on the store's thread in the next group commit, and answers once that
    /// commit is synced (or with the edit's own error; an edit that fails leaves nothing behind).
    func edit<T: Sendable>(_ body: @escaping @Sendable (AnnalsService) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let edit = WaitingEdit(
                perform: { service in
                    let value = try body(service)
                    return { continuation.resume(returning: value) }
                },
                fail: { continuation.resume(throwing: $0) })
            let schedule = waiting.withLock { state in
                state.edits.append(edit)
                defer { state.scheduled = true }
                return !state.scheduled
            }
            if schedule { scheduleCommit() }
        }
    }

    /// Group commits so far: how many, the edits they carried, and the most one carried.
    var groupCounts: (commits: Int, edits: Int, largest: Int) {
        waiting.withLock { ($0.commits, $0.editsCommitted, $0.largest) }
    }

    /// Whether the store follows a shared log (its edits go there).
    var isFollower: Bool { service.value.isFollower }

    /// Closes the store; later calls fail.
    func close() async {
        _ = try? await thread.runIfActive { [service] in service.value.close() }
        try? await thread.shutdownGracefully()
    }

    /// Queues one group commit behind the calls already waiting for the thread, so reads are not
    /// starved by a stream of edits.
    private func scheduleCommit() {
        thread.submit { [self] state in
            let edits = waiting.withLock { waiting in
                let taken = Array(waiting.edits.prefix(editsPerCommit))
                waiting.edits.removeFirst(taken.count)
                waiting.commits += 1
                waiting.editsCommitted += taken.count
                waiting.largest = max(waiting.largest, taken.count)
                return taken
            }
            if case .active = state {
                let results = service.value.commitTogether(edits.map { edit in { service in try edit.perform(service) } })
                if results.contains(where: { if case .success = $0 { true } else { false } }) { news.announce() }
                for (edit, result) in zip(edits, results) {
                    switch result {
                    case .success(let answer): answer()
                    case .failure(let error): edit.fail(error)
                    }
                }
            } else {
                for edit in edits { edit.fail(NIOThreadPoolError.ThreadPoolInactive()) }
            }
            let more = waiting.withLock { waiting in
                waiting.scheduled = !waiting.edits.isEmpty
                return waiting.scheduled
            }
            if more { scheduleCommit() }
        }
    }
}

/// An edit waiting for a group commit: `perform` runs it on the store's thread and returns its
/// answer, which is given after the commit; `fail` answers with an error instead.
private struct WaitingEdit: Sendable {
    let perform: @Sendable (AnnalsService) throws -> @Sendable () -> Void
    let fail: @Sendable (any Error) -> Void
}

private struct WaitingEdits: Sendable {
    var edits: [WaitingEdit] = []
    var scheduled = false
    var commits = 0, editsCommitted = 0, largest = 0
}

/// The service, touched only on the store's thread.
private final class Guarded: @unchecked Sendable {
    let value: AnnalsService
    init(_ value: AnnalsService) { self.value = value }
}
