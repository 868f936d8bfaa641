import AnnalsApplication
import AnnalsCore
import NIOPosix

/// The one way the server reaches the store: calls run one at a time, in order, on a thread of
/// their own. An LMDB environment is used from one thread at a time (`Environment`), LMDB has one
/// writer at a time anyway, and on a follower an edit waits for the shared log (a blocking call,
/// kept off the threads that run Swift tasks). A read takes well under a millisecond, an edit one
/// synced commit.
final class StoreGate: Sendable {
    private let service: Guarded
    private let thread: NIOThreadPool

    /// Opens the store at `path` for reading and writing.
    init(path: String) throws {
        service = Guarded(try AnnalsService.open(at: path))
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    /// Runs `body` against the store on the store's thread.
    func run<T: Sendable>(_ body: @escaping @Sendable (AnnalsService) throws -> T) async throws -> T {
        try await thread.runIfActive { [service] in try body(service.value) }
    }

    /// Whether the store follows a shared log (its edits go there).
    var isFollower: Bool { service.value.isFollower }

    /// Closes the store; later calls fail.
    func close() async {
        _ = try? await thread.runIfActive { [service] in service.value.close() }
        try? await thread.shutdownGracefully()
    }
}

/// The service, touched only on the store's thread.
private final class Guarded: @unchecked Sendable {
    let value: AnnalsService
    init(_ value: AnnalsService) { self.value = value }
}
