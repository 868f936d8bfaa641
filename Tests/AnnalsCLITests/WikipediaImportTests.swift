import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

/// The Wikipedia revision histories through `annals import`: one article per page, one edit per
/// revision by its editor, at its time.
@Suite("Wikipedia histories through annals import", .onOwnThreads)
struct WikipediaImportTests {
    @Test("the folder imports every revision; history, audit and show --effective answer from it",
          .enabled(if: RepositoryFiles.sharedAvailable, Comment(rawValue: RepositoryFiles.sharedMissingReason)))
    func folder() throws {
        let w = try CLIWorkspace()
        let folder = RepositoryFiles.shared("data/wikipedia_revisions")
        let imported = try w.expectOK(["import", folder])
        #expect(imported.contains("imported 3 files: created 3, corrected 13300, unchanged 0"), "\(imported)")
        #expect(try w.expectOK(["import", folder]).contains("created 0, corrected 0, unchanged 13303"))

        let pages = try w.jsonLines(try w.expectOK(["list", "article", "--json"]))
        let monsanto = try #require(pages.first { ($0["record"] as? [String: Any])?["title"] as? String == "Monsanto" }?["id"] as? String)
        #expect(try w.jsonLines(try w.expectOK(["history", monsanto, "--json"])).count == 3985)

        // Independently from the file: each revision line's id, editor and offset (seconds since
        // the first edit); the last revision sits at the pull time (2014-10-29T11:05:58Z).
        let text = try String(contentsOfFile: folder + "/Monsanto.Revisions.csv", encoding: .utf8)
        let pattern = try Regex(#"^(\d+),(.*),-?\d+,-?\d+,([\d.]+),[\d.]+,https://[^,]*&diff=(\d+)&oldid="#)
        var rows: [(id: Int, editor: String, offset: Double)] = []
        for line in text.split(separator: "\n") {
            guard let match = line.firstMatch(of: pattern), match.output[1].substring == match.output[4].substring,
                  let id = Int(match.output[1].substring ?? ""), let offset = Double(match.output[3].substring ?? "") else { continue }
            rows.append((id, String(match.output[2].substring ?? ""), offset))
        }
        #expect(rows.count == 3985)
        let last = rows.map(\.offset).max() ?? 0
        let pull = 1_414_580_758.0  // 2014-10-29T11:05:58Z
        let cutoff = 1_413_417_600.0 + 86_400  // the end of 2014-10-15 (UTC)
        let current = try #require(rows.filter { pull - (last - $0.offset) < cutoff }.max { $0.id < $1.id })
        let shown = try w.json(try w.expectOK(["show", monsanto, "--effective", "2014-10-15", "--json"]))
        #expect((shown["record"] as? [String: Any])?["revision"] as? String == String(current.id))

        // Per-editor counts match the file (an editor whose name holds commas included).
        let editor = "That Guy, From That Show!"
        let inFile = rows.filter { $0.editor == editor }.count
        #expect(inFile == 1)
        let audit = try w.jsonLines(try w.expectOK(["audit", "--actor", editor, "--record", monsanto, "--json"]))
        #expect(audit.count == inFile)
        let busiest = Dictionary(grouping: rows, by: \.editor).max { $0.value.count < $1.value.count }!
        #expect(try w.jsonLines(try w.expectOK(["audit", "--actor", busiest.key, "--record", monsanto, "--json"])).count == busiest.value.count)
    }
}
