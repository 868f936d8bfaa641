import Foundation
import Synchronization

/// Something many tests start from a copy of (a database cluster's data, a seeded store), made
/// once per test run in a folder of its own and removed when the test process exits.
public final class RunTemplate<Value: Sendable>: Sendable {
    private let prefix: String
    private let made = Mutex<Result<Value, any Error>?>(nil)

    /// A template whose folder is named `prefix` and a unique suffix, under the temporary folder.
    public init(prefix: String) {
        self.prefix = prefix
    }

    /// What `make` returned for the template's folder. The first caller makes it; the others wait
    /// for it and get the same value, or the same error.
    public func value(_ make: (TemporaryDirectory) throws -> Value) throws -> Value {
        try made.withLock { made in
            if let made { return try made.get() }
            let result = Result {
                let folder = try TemporaryDirectory(prefix: prefix)
                TemplateFolders.removeAtExit(folder)
                return try make(folder)
            }
            made = result
            return try result.get()
        }
    }
}

/// The templates' folders, under a lock of their own: the exit handler that removes them never
/// waits for a template being made.
private enum TemplateFolders {
    static let folders = Mutex<[TemporaryDirectory]>([])

    static func removeAtExit(_ folder: TemporaryDirectory) {
        folders.withLock { folders in
            if folders.isEmpty { atexit { TemplateFolders.removeAll() } }
            folders.append(folder)
        }
    }

    static func removeAll() {
        folders.withLock { $0.forEach { $0.remove() } }
    }
}
