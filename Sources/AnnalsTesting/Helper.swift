public import Foundation

/// An executable of this package, built beside the test bundle.
public struct BuiltProgram: Sendable {
    public let path: String

    /// The product `name` (`annals`, `AnnalsTestHelper`) from the build folder the tests run in.
    public init(_ name: String) {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path,
            Bundle.main.bundleURL.appendingPathComponent(name).path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name).path,
        ]
        path = candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Starts the program with stdout piped (stderr piped too when `captureErrors`).
    public func start(_ arguments: [String], environment extra: [String: String] = [:], captureErrors: Bool = false) throws -> (Process, Pipe, Pipe?) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe()
        process.standardOutput = out
        let err = captureErrors ? Pipe() : nil
        process.standardError = err ?? FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    /// What a finished run printed and how it exited.
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public var lines: [String] { stdout.split(separator: "\n").map(String.init) }

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// Runs the program to completion.
    public func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let (process, out, err) = try start(arguments, environment: environment, captureErrors: true)
        // Read both pipes while the program runs, so neither fills up and blocks it.
        let errors = ErrorBuffer()
        let done = DispatchSemaphore(value: 0)
        let handle = err?.fileHandleForReading
        DispatchQueue.global().async {
            errors.data = handle?.readDataToEndOfFile() ?? Data()
            done.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errors.data, as: UTF8.self))
    }
}

/// The `annals-testhelper` executable the crash and multi-process tests start and kill.
public enum Helper {
    static let program = BuiltProgram("AnnalsTestHelper")

    /// Starts the helper with its output piped.
    public static func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (Process, Pipe) {
        let (process, out, _) = try program.start(arguments, environment: extra)
        return (process, out)
    }

    /// Runs the helper to completion and returns its exit status and output lines.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, lines: [String]) {
        let result = try program.run(arguments, environment: environment)
        return (result.status, result.lines)
    }
}

/// Holds what the stderr reader read. Written once on the reader's queue and read only after the
/// semaphore that follows that write, so the two accesses never overlap.
private final class ErrorBuffer: @unchecked Sendable {
    var data = Data()
}

/// Runs any command line to completion: its exit status and its stdout and stderr together, as a
/// person at a terminal would see them. For the tools the tests drive (a script, a browser
/// driver, a fuzzer, a command as another user).
public enum ToolRun {
    public struct Result: Sendable {
        public let status: Int32
        public let output: String
    }

    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                           directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: text)
    }

    /// Whether `name` is an executable in one of the folders of `PATH`.
    public static func onPath(_ name: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    /// `run`, awaited: the wait happens on a thread of its own, so a test that waits a minute for
    /// a tool (a fuzzer, a browser, a script) leaves the test runner's few threads to other tests.
    public static func awaiting(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                                directory: String? = nil) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Swift.Result { try run(executable, arguments, environment: environment, directory: directory) })
            }
        }
    }
}
