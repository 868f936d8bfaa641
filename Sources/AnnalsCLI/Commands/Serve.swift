import AnnalsApplication
import AnnalsServer
import ArgumentParser
import Foundation
import Logging

/// `annals serve`: the HTTP API and the history browser over the store.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the store over HTTP: the JSON API (docs/openapi.yaml), a live log, and the history browser at /.",
        discussion: """
        Every request but the page needs Authorization: Bearer TOKEN (annals user add NAME --role ROLE). \
        The actor of an edit is the authenticated user. Logs one line per request on stderr; stops \
        gracefully on SIGTERM or SIGINT. The CLI keeps working on the same store meanwhile.
        Example: annals serve --port 8080, then open http://127.0.0.1:8080/
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Address to bind (default 127.0.0.1: this machine only).") var host = "127.0.0.1"
    @Option(help: "Port (0: any free one; the one chosen is printed).") var port = 8080
    @Option(help: "Largest request body accepted, in bytes.") var maxBody = ServerConfiguration.defaultMaxBodyBytes
    @Option(help: "Seconds a request may take to send its body.") var requestTimeout: Double = 30
    @Option(help: "The longest a failed login waits before its answer, in milliseconds (each failure from a client in the last minute doubles the wait from 100 ms); 0 answers at once.")
    var loginDelayMax = 5_000
    @Option(help: "Sign-in attempts allowed per client address, and per user name, in any minute before 429 (a token already proven is not counted).")
    var loginAttemptsPerMinute = 30
    @Option(help: "Token checks (bcrypt, about 70 ms of a core each) run at once, on threads of their own; more wait, and a flood gets 503.")
    var tokenChecks = 1
    @Option(help: "The most edits that, arriving together, share one synced commit (each still checked and answered on its own, after the sync); 1 commits each edit alone.")
    var editsPerCommit = ServerConfiguration.defaultEditsPerCommit

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port \(port) is not a port: use 0 to 65535") }
        if maxBody < 1024 { throw ValidationError("--max-body \(maxBody) is too small: give at least 1024 bytes") }
        if !(requestTimeout > 0) { throw ValidationError("--request-timeout must be more than 0 seconds") }
        if loginDelayMax < 0 { throw ValidationError("--login-delay-max must be 0 or more milliseconds") }
        if loginAttemptsPerMinute < 1 { throw ValidationError("--login-attempts-per-minute must be at least 1") }
        if !(1...64).contains(tokenChecks) { throw ValidationError("--token-checks \(tokenChecks) is out of range: give 1 to 64") }
        if !(1...10_000).contains(editsPerCommit) { throw ValidationError("--edits-per-commit \(editsPerCommit) is out of range: give 1 (no grouping) to 10000") }
    }

    func run() throws {
        let path = global.storePath
        // Opened once here so a missing or stale store is one error line before anything listens.
        let service = try AnnalsService.open(at: path)
        let noUsers = try service.users().isEmpty
        service.close()
        if noUsers {
            Console.current.error("annals: this store has no users yet, so every API call will be refused; add one with annals user add NAME --role admin\n")
        }
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "annals.serve")
        logger.logLevel = .info
        let configuration = ServerConfiguration(host: host, port: port, maxBodyBytes: maxBody, requestTimeoutSeconds: requestTimeout,
                                                maxLoginDelayMilliseconds: loginDelayMax, loginAttemptsPerMinute: loginAttemptsPerMinute,
                                                tokenCheckThreads: tokenChecks, editsPerCommit: editsPerCommit,
                                                sharedLogPatience: try Session.sharedLogPatience())
        let host = self.host
        try waitingFor {
            try await AnnalsServer.run(storePath: path, configuration: configuration, logger: logger) { port in
                Console.current.write("annals: serving \(path) on http://\(host):\(port)/\n")
            }
        }
    }
}
