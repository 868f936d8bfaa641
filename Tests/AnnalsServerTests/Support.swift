import AnnalsCLI
import AnnalsTesting
import Foundation
import Testing

/// A store in a temporary directory, its users (added with the CLI's commands, in process), and the
/// real `annals serve` over it on a free loopback port.
final class ServerWorkspace {
    let directory: TemporaryDirectory
    let annals = BuiltProgram("annals")
    var store: String { directory.appending("store") }
    private(set) var process: Process?
    private(set) var probe = HTTPProbe(port: 0)
    /// The server's stderr: one log line per request.
    var logPath: String { directory.appending("serve.log") }
    /// Tokens by user name, for the four users every workspace starts with.
    private(set) var tokens: [String: String] = [:]

    /// A store with the demo's article and facts (unless not `seeded`) and four users: an admin
    /// (`quan-tri`), an editor (`lan`), a reader (`minh`) and an auditor (`kiem-toan`).
    init(seeded: Bool = true) throws {
        directory = try TemporaryDirectory(prefix: "annals-serve")
        let template = try Self.template(seeded: seeded)
        try FileManager.default.copyItem(atPath: template.directory.appending("store"), toPath: store)
        tokens = template.tokens
    }

    /// Each kind of store is made once per test run, with the CLI's commands, and each workspace
    /// starts from a copy: that spares every workspace an import and four bcrypt hashes.
    private static func template(seeded: Bool) throws -> Template {
        try (seeded ? seededTemplate : emptyTemplate).value { folder in
            let maker = ServerWorkspace(directory: folder)
            try maker.cli(["init"])
            if seeded {
                try maker.cli(["import", RepositoryFiles.path("docs/examples/demo-article.txt"),
                               RepositoryFiles.path("docs/examples/seed-facts.jsonl")])
            }
            var tokens: [String: String] = [:]
            for (name, role) in [("quan-tri", "admin"), ("lan", "editor"), ("minh", "reader"), ("kiem-toan", "auditor")] {
                tokens[name] = try maker.addUser(name, role: role)
            }
            return Template(directory: folder, tokens: tokens)
        }
    }

    private struct Template: Sendable {
        let directory: TemporaryDirectory
        let tokens: [String: String]
    }

    private static let seededTemplate = RunTemplate<Template>(prefix: "annals-serve-template")
    private static let emptyTemplate = RunTemplate<Template>(prefix: "annals-serve-template")

    /// A workspace in `directory` that keeps it when released (the templates').
    private init(directory: TemporaryDirectory) {
        self.directory = directory
        keepsDirectory = true
    }

    private var keepsDirectory = false

    deinit {
        if let process, process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        if !keepsDirectory { directory.remove() }
    }

    /// Runs a CLI command on the store, in this process (`Annals.run`: the binary's commands without
    /// a process each); requires exit 0 and returns stdout. The server itself runs as the binary.
    @discardableResult
    func cli(_ arguments: [String], actor: String = "cli-admin") throws -> String {
        let console = Console.capturing(environment: ProcessInfo.processInfo.environment.merging(["ANNALS_ACTOR": actor, "CI": "true"]) { $1 })
        let status = Annals.run(arguments + ["--store", store], console: console)
        guard status == 0 else { throw ConformanceFailure("annals \(arguments.joined(separator: " ")) exited \(status): \(console.errors)") }
        return console.output
    }

    /// Adds a user through the CLI and returns its token.
    func addUser(_ name: String, role: String) throws -> String {
        let output = try cli(["user", "add", name, "--role", role, "--json"])
        guard let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], let token = object["token"] as? String else {
            throw ConformanceFailure("user add printed no token: \(output)")
        }
        return token
    }

    func token(_ name: String) -> String { tokens[name] ?? "" }

    /// Starts `annals serve --port 0` and waits for the port it prints.
    func start(_ extra: [String] = []) throws {
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: annals.path)
        process.arguments = ["serve", "--store", store, "--port", "0"] + extra
        process.environment = ProcessInfo.processInfo.environment.merging(["CI": "true"]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        guard let listening = HTTPProbe(servingLineOf: out.fileHandleForReading) else {
            throw ConformanceFailure("annals serve did not say where it listens: \(try String(contentsOfFile: logPath, encoding: .utf8))")
        }
        probe = listening
    }

    /// Sends SIGTERM and waits for the server to exit; returns its exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let process else { return -1 }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The API description the server serves, to check every answer against.
    private var validator: OpenAPIValidator?
    /// Responses checked against it.
    private(set) var validated = 0

    /// Sends a request and checks the answer against the API description (an issue per mismatch).
    func request(_ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:],
                 json: Any? = nil, body: Data? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> HTTPProbe.Response {
        let response = try probe.request(method, path, token: token, headers: headers, json: json, body: body)
        if validator == nil { validator = try OpenAPIValidator(json: try probe.request("GET", "/openapi.json").body) }
        validator?.check(method: method, path: path, response, sourceLocation: sourceLocation)
        validated += 1
        return response
    }

    func get(_ path: String, as user: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> HTTPProbe.Response {
        try request("GET", path, token: token(user), sourceLocation: sourceLocation)
    }

    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}
