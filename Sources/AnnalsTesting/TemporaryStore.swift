public import AnnalsCore
public import AnnalsLMDBLog
public import AnnalsLMDB

/// A fresh LMDB-backed log in a temporary directory, removed on deinit.
public final class TemporaryStore {
    public let directory: TemporaryDirectory
    /// The store directory.
    public var path: String { directory.appending("store") }
    private let options: EnvironmentOptions
    private var current: LMDBEventLog?

    public init(options: EnvironmentOptions = EnvironmentOptions()) throws {
        directory = try TemporaryDirectory()
        self.options = options
        current = try LMDBEventLog(path: directory.appending("store"), options: options)
    }

    /// The open log (reopened when it was closed).
    public func open() throws -> LMDBEventLog {
        if let current { return current }
        let reopened = try LMDBEventLog(path: path, options: options)
        current = reopened
        return reopened
    }

    /// Closes the log so another process (or a fresh open) can use the store alone.
    public func close() {
        current?.environment.close()
        current = nil
    }

    deinit {
        close()
        directory.remove()
    }
}
