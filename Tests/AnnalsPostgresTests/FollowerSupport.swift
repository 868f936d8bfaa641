import AnnalsTesting
import Foundation
import Testing

/// The real `annals` binary against followers of a shared log on a private cluster.
final class FollowerWorkspace: @unchecked Sendable {
    let cluster: PostgresCluster
    let directory: TemporaryDirectory
    let annals = BuiltProgram("annals")
    let address: String

    init(database: String) throws {
        cluster = try PostgresCluster()
        directory = try TemporaryDirectory(prefix: "annals-follow")
        address = try cluster.database(database)
        try expectOK(["migrate", "--store", address])
    }

    deinit { directory.remove() }

    func store(_ name: String) -> String { directory.appending(name) }

    /// Runs `annals` with a fixed actor, no terminal progress.
    @discardableResult
    func run(_ arguments: [String], actor: String = "kiểm thử", environment: [String: String] = [:]) throws -> BuiltProgram.Result {
        try annals.run(arguments, environment: environment.merging(["ANNALS_ACTOR": actor, "CI": "true"]) { $1 })
    }

    /// Runs and requires exit 0, returning stdout.
    @discardableResult
    func expectOK(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        #expect(result.status == 0, "annals \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// `annals follow --once`: creates the follower's store when missing and applies what the
    /// shared log holds; returns what it printed.
    @discardableResult
    func catchUp(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try expectOK(["follow", "--from", address, "--store", store, "--once"], sourceLocation: sourceLocation)
    }

    /// Imports the project's demo article and the seed facts through a follower's store.
    func importSeed(into store: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectOK(["import", RepositoryFiles.path("docs/examples/demo-article.txt"), RepositoryFiles.path("docs/examples/seed-facts.jsonl"),
                      "--store", store], sourceLocation: sourceLocation)
    }

    /// A follower `f1` of the shared log, with the seed imported through it: its path and its export.
    func seededFollower(sourceLocation: SourceLocation = #_sourceLocation) throws -> (store: String, export: String) {
        let store = self.store("f1")
        try catchUp(store, sourceLocation: sourceLocation)
        try importSeed(into: store, sourceLocation: sourceLocation)
        return (store, try export(store))
    }

    /// The log as exported (hashes included), from a store or the shared log.
    func export(_ store: String) throws -> String { try expectOK(["export", "--store", store]) }

    /// Starts `annals follow` into `store`; stop it with SIGTERM (or kill it).
    func startFollowing(_ store: String) throws -> Process {
        let (process, _, _) = try annals.start(["follow", "--from", address, "--store", store, "--interval", "20"],
                                               environment: ["CI": "true"], captureErrors: true)
        return process
    }

    /// The position a store's projections and log reflect, read without writing.
    func position(_ store: String) throws -> UInt64 {
        let stats = try expectOK(["stats", "--store", store, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(stats.utf8)) as? [String: Any]
        return (object?["events"] as? NSNumber)?.uint64Value ?? 0
    }

    /// `count` diplomacy events of this test's own writing, as JSONL: ids `event/PREFIX-N`, one
    /// quantity each, dates spread over 2000–2025.
    static func records(prefix: String, count: Int) -> String {
        (0..<count).map { index in
            let year = 2000 + index % 26
            return #"{"recordType":"diplomacyEvent","id":"event/\#(prefix)-\#(index)","kind":"meeting","title":"Cuộc gặp thử nghiệm số \#(index)","#
                + #""date":"\#(year)-0\#(1 + index % 9)-1\#(index % 10)","place":"Lạng Sơn","quantities":[{"metric":"test-aid","value":"\#(index * 7)","unit":"USD"}]}"#
        }.joined(separator: "\n") + "\n"
    }

    /// The export's lines as objects.
    static func lines(_ export: String) throws -> [[String: Any]] {
        try export.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
    }
}

/// Runs `body(0..<count)` on threads of their own, at once, and waits for all of them. (Not
/// `concurrentPerform`: its few pool threads would block on the processes' output readers, which
/// need pool threads too.)
func inParallel(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let done = DispatchSemaphore(value: 0)
    for index in 0..<count {
        Thread {
            body(index)
            done.signal()
        }.start()
    }
    for _ in 0..<count { done.wait() }
}
