import AnnalsTesting
import Foundation
import Testing

/// The short version of `tools/reliability.sh`: three kills per command, cut data files, each kind
/// of tampering, full disk and read-only media, against the binaries of this build.
@Suite("Reliability report (short)")
struct ReliabilityReportTests {
    @Test("every scenario of the short run has zero failures, zero lost and zero undetected")
    func shortRun() async throws {
        let annals = BuiltProgram("annals")
        let run = try await ToolRun.awaiting("/bin/bash", [RepositoryFiles.path("tools/reliability.sh"), "--short"],
                                      environment: ["ANNALS_BIN": URL(fileURLWithPath: annals.path).deletingLastPathComponent().path])
        let text = run.output
        #expect(run.status == 0, "\(text)")
        #expect(text.contains("reliability: all zero"), "\(text)")
        // Every kill scenario ran (a scenario that silently did nothing would also show zeros).
        for scenario in ["correct", "import", "rebuild", "migrate", "backup", "import-log", "verify", "follow"] {
            #expect(text.contains("kill -9 during \(scenario) "), "\(scenario) missing from the report")
        }
        for scenario in ["tamper: shared row, verify from a follower", "re-pointed follower (another database)"] {
            #expect(text.contains(scenario) && !text.contains("\(scenario) skipped"), "\(scenario) missing from the report or skipped")
        }
        print(text)
    }
}
