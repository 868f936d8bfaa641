public import ArgumentParser
import Foundation

/// The `annals` command: records, corrections, history and aggregates kept in an event log.
public struct Annals: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "annals",
        abstract: "Keep news articles and diplomacy events with every edit: who changed what, from what, to what, when and why.",
        discussion: """
        The store is one LMDB directory (--store, $ANNALS_STORE, else ./annals-store), or a follower \
        of a shared PostgreSQL log (annals follow). Every write is \
        an immutable, hash-chained event; projections give current state, per-year aggregates and the past.

        Exit codes: 0 ok, 1 error, 2 usage, 3 conflict (another edit landed first; reload and retry), \
        4 verification failed. A command that fails leaves the store as it was.
        """,
        subcommands: [
            Init.self, Import.self, Create.self, Correct.self, Retract.self, Restore.self, Link.self, Unlink.self,
            Show.self, List.self, Find.self, History.self, Blame.self, Audit.self, Aggregates.self,
            Rebuild.self, Replay.self, Verify.self, Stats.self, Export.self, ImportLog.self, Backup.self, Migrate.self, CheckUpcasts.self,
            Key.self, CheckpointCommand.self, User.self, Serve.self, Follow.self,
        ]
    )

    public init() {}

    /// Parses the arguments, runs the command and exits with its code. Errors are one line on
    /// stderr, `error: …`, naming what was wrong and how to fix it.
    public static func runAndExit(_ arguments: [String]? = nil) -> Never {
        MappedFileGuard.install()
        terminate(run(arguments ?? Array(CommandLine.arguments.dropFirst())))
    }

    /// Parses `arguments`, runs the command in this process with `console` as its stdout, stderr and
    /// environment, and returns its exit code (see the discussion above) where `runAndExit` would
    /// exit. What the command does is what the program would do with the same arguments.
    public static func run(_ arguments: [String], console: Console) -> Int32 {
        Console.$current.withValue(console) { run(arguments) }
    }

    /// Runs `arguments` with `Console.current`, returning the exit code.
    private static func run(_ arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return ExitCode.ok.rawValue
        } catch {
            if isDomainError(error) {
                let (message, code) = describe(error)
                warn("error: \(message)")
                return code.rawValue
            }
            // Parsing, validation, --help and --version, as ArgumentParser words them.
            if exitCode(for: error) == .success {
                Console.current.line(fullMessage(for: error))
                return ExitCode.ok.rawValue
            }
            var message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            if message.hasPrefix("Error: ") { message.removeFirst(7) }
            let words = arguments.prefix { !$0.hasPrefix("-") }
            let subcommand = words.first.map { configuration.subcommands.map { $0._commandName }.contains($0) ? " \($0)" : "" } ?? ""
            warn("error: \(message) (see: annals\(subcommand) --help)")
            return ExitCode.usage.rawValue
        }
    }
}

/// Ends the process with `code` (outside the command types, whose `exit` means something else).
private func terminate(_ code: Int32) -> Never {
    Foundation.exit(code)
}
