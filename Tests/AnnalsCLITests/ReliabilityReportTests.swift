import AnnalsTesting
import Foundation
import Testing

/// The short version of `tools/reliability.sh`: three kills per command, cut data files, each kind
/// of tampering, full disk and read-only media, against the binaries of this build.
@Suite("Reliability report (short)")
struct ReliabilityReportTests {
    @Test("every scenario of the short run has zero failures, zero lost and zero undetected")
    func shortRun() throws {
        let annals = BuiltProgram("annals")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [RepositoryFiles.path("tools/reliability.sh"), "--short"]
        process.environment = ProcessInfo.processInfo.environment.merging(["ANNALS_BIN": URL(fileURLWithPath: annals.path).deletingLastPathComponent().path]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("reliability: all zero"), "\(text)")
        // Every kill scenario ran (a scenario that silently did nothing would also show zeros).
        for scenario in ["correct", "import", "rebuild", "migrate", "backup", "import-log", "verify"] {
            #expect(text.contains("kill -9 during \(scenario) "), "\(scenario) missing from the report")
        }
        print(text)
    }
}
