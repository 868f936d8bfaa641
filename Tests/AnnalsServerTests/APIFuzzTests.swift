import AnnalsTesting
import Foundation
import Testing

/// The API fuzzed from its own description by schemathesis (from PyPI), through
/// `tools/api-fuzz.sh`: every check, "valid data is accepted" included (docs/openapi.yaml says
/// what the server accepts: patterns, formats, enums, limits, no unknown fields). The test runs
/// the script with a fixed seed and 20 examples per operation, so CI sees the same run; people
/// run it longer and unseeded. Answers that depend on the store's state (404, 409, 412, 428) are
/// tolerated, as the description says. No answer may be a 5xx, and the server must stop cleanly.
@Suite("The API fuzzed from docs/openapi.yaml")
struct APIFuzzTests {
    static let missing: String? = ToolRun.onPath("schemathesis")
        ? nil : "SKIPPED: schemathesis is missing (pip install schemathesis; tools/setup.sh --server-tests does it)"

    @Test("under CI, schemathesis is there: the fuzz test runs, never skips")
    func prerequisites() {
        #expect(Prerequisites.failure(Self.missing, for: "the API fuzz test") == nil)
    }

    @Test("schemathesis finds no failure and the server answers no 5xx", .enabled(if: missing == nil, Comment(rawValue: missing ?? "")))
    func fuzz() async throws {
        // One worker: schemathesis is Python, and a second worker thread costs a fifth more CPU
        // (contending for the interpreter lock) for no more requests. It is the run's longest
        // test, over a minute of one core. It runs in a session of its own (setsid): where the
        // kernel shares the CPU between sessions first (autogroups, as on these machines), it gets
        // an equal share with each other busy session instead of a part of the test process's
        // share, and ends with the other tests rather than alone long after them. (A higher
        // priority, nice -10, did not do that: it counts only inside a session, and each
        // PostgreSQL cluster of the tests is a session of its own.)
        let script = [RepositoryFiles.path("tools/api-fuzz.sh"), "20", "--workers", "1", "--seed", "1"]
        let setsid = FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid")
        let run = try await ToolRun.awaiting(setsid ? "/usr/bin/setsid" : "/bin/bash", (setsid ? ["--wait", "/bin/bash"] : []) + script,
                                             environment: ["ANNALS": BuiltProgram("annals").path])
        print(run.output.split(separator: "\n").filter { $0.hasPrefix("api-fuzz:") }.joined(separator: "\n"))
        let summary = run.output.firstMatch(
            of: /api-fuzz: (\d+) tested .*, (\d+) failures, (\d+) errors .*, (\d+) requests, (\d+) answered 5xx/)
        let tests = Int(summary?.1 ?? "") ?? 0, failures = Int(summary?.2 ?? "") ?? -1, errors = Int(summary?.3 ?? "") ?? -1
        let requests = Int(summary?.4 ?? "") ?? 0, serverErrors = Int(summary?.5 ?? "") ?? -1
        #expect(run.status == 0, "\(run.output.suffix(4000))")
        #expect(tests >= 20, "schemathesis tested \(tests) operations: \(run.output.suffix(2000))")
        #expect(failures == 0)
        #expect(requests > 500, "only \(requests) requests reached the server")
        #expect(serverErrors == 0)
        // The tool's own crashes (it has had some in its coverage phase) are reported, not blamed on the API.
        if errors > 0 { print("schemathesis reported \(errors) errors of its own") }
    }

    @Test("tools/api-fuzz.sh without a binary to run exits 2 in one line and starts nothing")
    func scriptWithoutBinary() throws {
        let run = try ToolRun.run("/bin/bash", [RepositoryFiles.path("tools/api-fuzz.sh"), "1"],
                                  environment: ["ANNALS": "/nonexistent/annals"])
        #expect(run.status == 2)
        #expect(run.output == "api-fuzz: no annals binary at /nonexistent/annals: build it first (swift build --product annals), "
                              + "or set ANNALS\n")
    }
}
