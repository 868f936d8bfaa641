import AnnalsApplication
import AnnalsCore

/// The one way the server reaches the store: calls run here one at a time. An LMDB environment is
/// used from one thread at a time (`Environment`), and LMDB has one writer at a time anyway; a
/// read takes well under a millisecond, an edit one synced commit.
actor StoreGate {
    private let service: AnnalsService

    /// Opens the store at `path` for reading and writing.
    init(path: String) throws {
        service = try AnnalsService.open(at: path)
    }

    /// Runs `body` against the store.
    func run<T: Sendable>(_ body: @Sendable (AnnalsService) throws -> T) throws -> T {
        try body(service)
    }

    /// Closes the store; later calls fail.
    func close() { service.close() }
}
