import AnnalsTesting
import Foundation
import Testing

/// The API fuzzed from its own description by schemathesis (from PyPI): every check, "valid data
/// is accepted" included (docs/openapi.yaml says what the server accepts: patterns, formats,
/// enums, limits, no unknown fields), with a fixed seed so CI sees the same run;
/// `tools/api-fuzz.sh` runs longer, unseeded, with the same settings. Answers that depend on the
/// store's state (404, 409, 412, 428) are tolerated, as the description says. No answer may be
/// a 5xx.
@Suite("The API fuzzed from docs/openapi.yaml", .serialized)
struct APIFuzzTests {
    static let missing: String? = (try? ToolRun.run("/usr/bin/env", ["schemathesis", "--version"]))?.status == 0
        ? nil : "SKIPPED: schemathesis is missing (pip install schemathesis; tools/setup.sh --server-tests does it)"

    @Test("under CI, schemathesis is there: the fuzz test runs, never skips")
    func prerequisites() {
        #expect(Prerequisites.failure(Self.missing, for: "the API fuzz test") == nil)
    }

    /// schemathesis.toml, as tools/api-fuzz.sh writes it: every check is enabled here rather than
    /// with `--checks all`, which would override the per-operation settings.
    static let configuration = #"""
[checks]
# Every check (what --checks all would select, which would override the per-operation settings below).
enabled = true

[checks.positive_data_acceptance]
# Valid requests may meet the store's state: an unknown record or user (404), an edit that does
# not fit the record (409), a stale If-Match (412).
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]
[checks.negative_data_rejection]
# A weak If-Match is refused with 412 (it never matches), a missing one with 428.
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "412", "413", "415", "422", "428", "429", "5xx"]
[checks.missing_required_header]
# A missing If-Match is 428 Precondition Required (RFC 6585).
expected-statuses = ["400", "401", "403", "406", "415", "422", "428"]

# GET /log never ends: it waits for new events, sending a comment every 2 s. Read what comes
# within a second (or 3 events) and hang up.
[[operations]]
include-path = "/log"
max-stream-events = 3
request-timeout = 1

"""#

    @Test("tools/api-fuzz.sh runs schemathesis with the same settings")
    func sameSettings() throws {
        let script = try String(contentsOfFile: RepositoryFiles.path("tools/api-fuzz.sh"), encoding: .utf8)
        #expect(script.contains(Self.configuration), "copy the schemathesis.toml of tools/api-fuzz.sh into APIFuzzTests.configuration")
    }

    @Test("schemathesis finds no failure and the server answers no 5xx", .enabled(if: missing == nil, Comment(rawValue: missing ?? "")))
    func fuzz() async throws {
        let w = try ServerWorkspace()
        try w.start(["--login-delay-max", "0", "--login-attempts-per-minute", "100000"])
        let report = w.directory.appending("junit.xml"), configuration = w.directory.appending("schemathesis.toml")
        try Self.configuration.write(toFile: configuration, atomically: true, encoding: .utf8)
        let run = try await ToolRun.awaiting("/usr/bin/env", ["schemathesis", "--config-file", configuration, "run", "http://127.0.0.1:\(w.probe.port)/openapi.yaml",
                                                        "-H", "Authorization: Bearer \(w.token("quan-tri"))", "--suppress-health-check", "all",
                                                        "--max-examples", "20", "--workers", "2", "--seed", "1", "--report", "junit", "--report-junit-path", report],
                                      // schemathesis keeps a cache in its working directory: the workspace's, not the repository.
                                      environment: ["NO_COLOR": "1"], directory: w.directory.path)
        let text = run.output
        let junit = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        let tests = Int(junit.firstMatch(of: /tests="(\d+)"/)?.1 ?? "") ?? 0
        let failures = Int(junit.firstMatch(of: /failures="(\d+)"/)?.1 ?? "") ?? -1
        let errors = Int(junit.firstMatch(of: /errors="(\d+)"/)?.1 ?? "") ?? -1
        print("schemathesis: \(tests) tested (each operation, and the stateful phase), \(failures) failures, \(errors) errors (exit \(run.status))")
        #expect(tests >= 20, "schemathesis tested \(tests) operations: \(text.suffix(2000))")
        #expect(failures == 0, "\(text.suffix(4000))")
        // The tool's own crashes (it has had some in its coverage phase) are reported, not blamed on the API.
        if errors > 0 { print("schemathesis reported \(errors) errors of its own:\n\(text.suffix(1500))") }
        #expect(w.stop() == 0)
        let answers = w.log().split(separator: "\n").filter { $0.contains("status=") }
        let serverErrors = answers.filter { $0.contains("status=5") }
        #expect(answers.count > 500, "only \(answers.count) requests reached the server")
        #expect(serverErrors.isEmpty, "\(serverErrors.prefix(5).joined(separator: "\n"))")
    }
}
