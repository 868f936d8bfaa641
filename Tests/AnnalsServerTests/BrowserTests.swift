import AnnalsTesting
import Foundation
import Testing

/// The history browser in a real headless browser: Debian's chromium, driven through Selenium by
/// `Tests/Browser/history_browser.py`, against the real server. Screenshots of each step are kept
/// in `.build/test-output/browser/`.
@Suite("The history browser in headless Chromium", .serialized)
struct BrowserTests {
    static let screenshots = RepositoryFiles.path(".build/test-output/browser")

    /// What is missing to drive a browser, or nil when everything is there.
    static let missing: String? = {
        for (path, package) in [("/usr/bin/chromium", "chromium"), ("/usr/bin/chromedriver", "chromium-driver")]
        where !FileManager.default.isExecutableFile(atPath: path) {
            return "SKIPPED: \(path) is missing (apt-get install \(package); tools/setup.sh --server-tests does it)"
        }
        return (try? ToolRun.run("/usr/bin/env", ["python3", "-c", "import selenium"]))?.status == 0
            ? nil : "SKIPPED: Python's selenium is missing (pip install selenium; tools/setup.sh --server-tests does it)"
    }()

    @Test("under CI, Chromium and selenium are there: the browser tests run, never skip")
    func prerequisites() {
        #expect(Prerequisites.failure(Self.missing, for: "the browser tests") == nil)
    }

    @Test("search without diacritics, open a record, read its timeline, view it as of version 1, draw the aggregates",
          .enabled(if: missing == nil, Comment(rawValue: missing ?? "")))
    func browse() async throws {
        let w = try ServerWorkspace()
        try w.start()
        let corrected = try w.request("PATCH", "/records/event/lang-son-2021-ngo-aid", token: w.token("lan"), headers: ["If-Match": "\"2\""],
                                      json: ["set": ["quantities[0].value": "1108745"], "reason": "Báo cáo quyết toán", "effective": "2022-03-15"])
        #expect(corrected.status == 200)
        try? FileManager.default.removeItem(atPath: Self.screenshots)
        let run = try await ToolRun.awaiting("/usr/bin/env", ["python3", RepositoryFiles.path("Tests/Browser/history_browser.py"),
                                                        "http://127.0.0.1:\(w.probe.port)", w.token("kiem-toan"), Self.screenshots])
        #expect(run.status == 0, "\(run.output)")
        let shots = (try? FileManager.default.contentsOfDirectory(atPath: Self.screenshots)) ?? []
        #expect(shots.filter { $0.hasSuffix(".png") }.count >= 5, "\(shots)")
        print("browser screenshots: \(Self.screenshots) (\(shots.sorted().joined(separator: ", ")))")
    }
}
