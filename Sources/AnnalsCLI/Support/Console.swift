import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where a command writes and what environment it reads: the process's own streams and
/// variables when `annals` runs as a program, or text kept in memory and a given environment when
/// a caller runs commands in its own process (`Annals.run(_:console:)`; the tests do).
///
/// Commands reach it through `Console.current`, which a caller binds for the commands it runs;
/// each binding is the caller's own, so commands run in process at the same time do not mix
/// their output.
public final class Console: Sendable {
    /// The variables commands read (`ANNALS_STORE`, `ANNALS_ACTOR`, `ANNALS_KEY`, `CI`, …).
    public let environment: [String: String]
    /// Whether it keeps what is written (else it goes to the process's stdout and stderr).
    private let keeps: Bool
    /// The text written so far to each, when it `keeps`.
    private let kept = Mutex((output: "", errors: ""))

    private init(environment: [String: String], keeps: Bool) {
        self.environment = environment
        self.keeps = keeps
    }

    /// The process's own streams and environment.
    public static let process = Console(environment: ProcessInfo.processInfo.environment, keeps: false)

    /// A console that keeps what commands write, for a caller to read (`output`, `errors`).
    public static func capturing(environment: [String: String]) -> Console {
        Console(environment: environment, keeps: true)
    }

    /// The console commands write to now: `process`, unless a caller bound another.
    @TaskLocal public static var current: Console = .process

    /// What commands wrote to stdout (empty for `process`).
    public var output: String { kept.withLock { $0.output } }
    /// What commands wrote to stderr (empty for `process`).
    public var errors: String { kept.withLock { $0.errors } }

    /// Writes `text` and a line break to stdout.
    func line(_ text: String) {
        guard keeps else { return print(text) }
        kept.withLock { $0.output += text + "\n" }
    }

    /// Writes `text` as it is to stderr (no line break added).
    func error(_ text: String) {
        guard keeps else { return FileHandle.standardError.write(Data(text.utf8)) }
        kept.withLock { $0.errors += text }
    }

    /// Writes `text` as it is to stdout (no line break added).
    func write(_ text: String) {
        guard keeps else { return FileHandle.standardOutput.write(Data(text.utf8)) }
        kept.withLock { $0.output += text }
    }

    /// Whether stderr is a terminal a person watches (never for a kept console, nor under CI).
    var errorsReachTerminal: Bool { !keeps && isatty(2) == 1 && environment["CI"] == nil }
}
