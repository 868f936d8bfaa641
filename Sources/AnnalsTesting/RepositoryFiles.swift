import Foundation

/// Files the tests read: the repository's own examples, and the third-party data in `../shared`
/// beside the repository (never copied into it).
public enum RepositoryFiles {
    /// The repository's root, found from this source file's place in it.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// A file of the repository, such as `docs/examples/seed-facts.jsonl`.
    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// `../shared` beside the repository, or `$ANNALS_SHARED` when set.
    public static let sharedRoot: String = {
        if let custom = ProcessInfo.processInfo.environment["ANNALS_SHARED"], !custom.isEmpty { return custom }
        return URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("shared").path
    }()

    /// True when the shared data is there (CI always has it).
    public static var sharedAvailable: Bool {
        FileManager.default.fileExists(atPath: sharedRoot + "/data/README.md")
    }

    /// Why shared-data tests are skipped when they are.
    public static let sharedMissingReason = "SKIPPED: ../shared (third-party test data) is not beside the repository; set ANNALS_SHARED to its path"

    /// A path under `../shared`, such as `seed/000_58f27647b65baa0f.txt`.
    public static func shared(_ relative: String) -> String { sharedRoot + "/" + relative }
}
