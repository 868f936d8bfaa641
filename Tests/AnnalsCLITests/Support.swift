import AnnalsCLI
import AnnalsTesting
import Foundation
import Testing

/// A temporary directory with a store path, and the `annals` commands to run against it: in this
/// process (`Annals.run(_:console:)`, the same parsing, commands and error lines as the program)
/// or, for a workspace made with `binary`, the real `annals` binary.
final class CLIWorkspace {
    let directory: TemporaryDirectory
    let annals = BuiltProgram("annals")
    /// Whether commands run as the built binary rather than in this process.
    let binary: Bool
    var store: String { directory.appending("store") }

    init(initialized: Bool = true, binary: Bool = false) throws {
        directory = try TemporaryDirectory(prefix: "annals-cli")
        self.binary = binary
        if initialized { try expectOK(["init"]) }
    }

    deinit { directory.remove() }

    /// Runs `annals` with the store and a fixed actor in its environment.
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> BuiltProgram.Result {
        if binary { return try runProgram(arguments, environment: environment) }
        let console = Console.capturing(environment: ProcessInfo.processInfo.environment.merging(variables(environment)) { $1 })
        let status = Annals.run(arguments, console: console)
        return BuiltProgram.Result(status: status, stdout: console.output, stderr: console.errors)
    }

    /// Runs the built `annals` binary, whatever the workspace's mode, with the same environment.
    func runProgram(_ arguments: [String], environment: [String: String] = [:]) throws -> BuiltProgram.Result {
        try annals.run(arguments, environment: variables(environment))
    }

    /// The store, a fixed actor and no terminal progress, with `extra` on top.
    private func variables(_ extra: [String: String]) -> [String: String] {
        ["ANNALS_STORE": store, "ANNALS_ACTOR": "tester", "CI": "true"].merging(extra) { $1 }
    }

    /// Runs and requires exit 0, returning stdout.
    @discardableResult
    func expectOK(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        #expect(result.status == 0, "annals \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Imports the project's demo article and the seed facts.
    func seed() throws {
        try expectOK(["import", RepositoryFiles.path("docs/examples/demo-article.txt"), RepositoryFiles.path("docs/examples/seed-facts.jsonl")])
    }

    /// What must not change when a command fails: the full export and the head hash.
    /// The log and the counts (not file sizes: a rebuild may grow the file and keep its content).
    func fingerprint() throws -> String {
        var stats = try json(try expectOK(["stats", "--json"]))
        for key in ["fileBytes", "usedBytes", "mapBytes"] { stats[key] = nil }
        let counts = String(decoding: try JSONSerialization.data(withJSONObject: stats, options: [.sortedKeys]), as: UTF8.self)
        return try expectOK(["export"]) + counts
    }

    /// Parses one JSON document.
    func json(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(text)")
    }

    /// Parses JSONL.
    func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try json(String($0)) }
    }
}
