import AnnalsTesting
@testable import AnnalsApplication

/// Runs `body` with a new, empty store in a temporary directory, closed and removed afterwards.
func withNewService(_ body: (AnnalsService) throws -> Void) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let service = try AnnalsService.create(at: directory.appending("store"))
    defer { service.close() }
    try body(service)
}
