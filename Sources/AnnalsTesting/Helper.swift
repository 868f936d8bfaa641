public import Foundation

/// The `annals-testhelper` executable built beside the test bundle.
public enum Helper {
    public static var path: String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("AnnalsTestHelper").path,
            Bundle.main.bundleURL.appendingPathComponent("AnnalsTestHelper").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("AnnalsTestHelper").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Starts the helper with its output piped.
    public static func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        return (process, out)
    }

    /// Runs the helper to completion and returns its exit status and output lines.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, lines: [String]) {
        let (process, out) = try start(arguments, environment: environment)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
    }
}
