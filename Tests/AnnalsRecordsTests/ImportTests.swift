import AnnalsCore
import AnnalsRecords
import AnnalsTesting
import Foundation
import Testing

@Suite("Imports")
struct ImportTests {
    @Test("re-importing the same files appends nothing")
    func idempotentReimport() throws {
        let w = try Workspace()
        try w.importText(demoArticlePath)
        try w.importJSONL(factsPath)
        let head = try w.log.head()
        let again = try w.importText(demoArticlePath)
        #expect(again.unchanged == 1 && again.created == 0 && again.corrected == 0)
        let facts = try w.importJSONL(factsPath)
        #expect(facts.unchanged == 5 && facts.created == 0 && facts.linked == 0, "\(facts)")
        #expect(try w.log.head() == head)
    }

    @Test("a changed re-import appends one correction with exactly the changed fields")
    func changedReimport() throws {
        let w = try Workspace()
        try w.importJSONL(factsPath)
        let changed = try String(contentsOfFile: factsPath, encoding: .utf8)
            .replacingOccurrences(of: "\"value\":\"1108742\"", with: "\"value\":\"1108750\"")
            .replacingOccurrences(of: "Viện trợ phi chính phủ nước ngoài cho Lạng Sơn năm 2021", with: "Viện trợ NGO cho Lạng Sơn 2021")
        let file = try TemporaryDirectory()
        defer { file.remove() }
        try changed.write(toFile: file.appending("facts-v2.jsonl"), atomically: true, encoding: .utf8)
        let head = try w.log.head()
        let summary = try w.importJSONL(file.appending("facts-v2.jsonl"))
        #expect(summary.corrected == 1 && summary.unchanged == 4 && summary.created == 0, "\(summary)")
        let events = try w.log.readLog(from: head.position + 1, limit: 10)
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.type == "DiplomacyEventCorrected")
        #expect(event.metadata.reason == "import of facts-v2.jsonl")
        let changes = try RecordPayload.changes(in: JSONValue.parse(event.payload))
        #expect(changes.map(\.field.description) == ["quantities", "title"])
        #expect(changes.last?.old == .string("Viện trợ phi chính phủ nước ngoài cho Lạng Sơn năm 2021"))
        #expect(changes.last?.new == .string("Viện trợ NGO cho Lạng Sơn 2021"))
    }

    @Test("the seed article itself imports and re-imports idempotently",
          .enabled(if: RepositoryFiles.sharedAvailable, Comment(rawValue: RepositoryFiles.sharedMissingReason)))
    func seedImport() throws {
        let w = try Workspace()
        #expect(try w.importText(seedPath).created == 1)
        #expect(try w.importText(seedPath).unchanged == 1)
        #expect(try w.log.head().position == 1)
        // The project's own summary of the same article becomes a correction of the text fields.
        let summary = try w.importText(demoArticlePath)
        #expect(summary.corrected == 1)
        let event = try #require(try w.log.event(at: 2))
        let fields = try RecordPayload.changes(in: JSONValue.parse(event.payload)).map(\.field.description)
        #expect(fields == ["paragraphs", "title"])
    }

    @Test("a bad record is reported with its file, line and field and the others still land")
    func partialFailure() throws {
        let w = try Workspace()
        try w.importText(demoArticlePath)
        let lines = try String(contentsOfFile: factsPath, encoding: .utf8).split(separator: "\n").map(String.init)
        var broken = lines
        broken[2] = broken[2].replacingOccurrences(of: "\"date\":\"2021\"", with: "\"date\":\"20211\"")
        broken.insert("{not json", at: 1)
        var items: [ImportItem] = []
        RecordInput.readJSONL(lines: broken, file: "facts.jsonl") { items.append($0) }
        let summary = try w.importItems(items)
        #expect(summary.created == 4)
        #expect(summary.rejected.map(\.location.description) == ["facts.jsonl:2", "facts.jsonl:4"])
        #expect(summary.rejected[1].message.contains("invalid date \"20211\""))
        #expect(try w.editor.state(of: RecordID("event/lang-son-2021-hospital-beds-dong-a")) == nil)
        #expect(summary.linked == 4)
    }

    @Test("a whole real corpus imports with the count its README gives",
          .enabled(if: RepositoryFiles.sharedAvailable, Comment(rawValue: RepositoryFiles.sharedMissingReason)))
    func dantriCorpus() throws {
        let w = try Workspace()
        let runner = ImportRunner(editor: w.editor, actor: "corpus-import")
        try Corpora.read(path: RepositoryFiles.shared("data/vi_news_dantri_unc/articles.jsonl"), codebook: nil) { try runner.add($0) }
        let summary = try runner.finish()
        #expect(summary.created == 1000, "\(summary.line): \(summary.rejected.prefix(3))")
        #expect(summary.rejected.isEmpty)
        #expect(try w.log.verify().isValid)
        // README: 17 of the 1,000 contain non-NFC text; stored, all of it is NFC.
        var nonNFC = 0
        try w.log.forEachEvent { event in
            let text = event.payloadText
            if !text.unicodeScalars.elementsEqual(text.precomposedStringWithCanonicalMapping.unicodeScalars) { nonNFC += 1 }
            return true
        }
        #expect(nonNFC == 0)
    }

    @Test("ICEWS rows become diplomacy events through the CAMEO codebook",
          .enabled(if: RepositoryFiles.sharedAvailable, Comment(rawValue: RepositoryFiles.sharedMissingReason)))
    func icews() throws {
        let w = try Workspace()
        let runner = ImportRunner(editor: w.editor, actor: "corpus-import")
        try Corpora.read(path: RepositoryFiles.shared("data/icews_vietnam/icews_vietnam_events.tsv"), codebook: nil) { try runner.add($0) }
        let summary = try runner.finish()
        // 2,570 rows, 18 facts in both datasets: 2,552 records (CorpusMappingTests has the rest).
        #expect(summary.created == 2552 && summary.rejected.isEmpty, "\(summary.line) \(summary.rejected.prefix(3))")
        let visit = try diplomacyEvent("event/icews/icews05-15-valid-47", in: w)
        #expect(visit.kind.rawValue == "visit" && visit.cameoCode == "042" && visit.date.description == "2005-11-11")
        #expect(visit.counterparts.first?.name == "Raúl Castro" && visit.provenance == ["ICEWS05-15 valid line 47"])
    }

    @Test("GDELT rows import with their codebook descriptions",
          .enabled(if: RepositoryFiles.sharedAvailable, Comment(rawValue: RepositoryFiles.sharedMissingReason)))
    func gdelt() throws {
        let w = try Workspace()
        let codebook = try CAMEOCodebook.load(path: RepositoryFiles.shared("data/cameo_codebook/CAMEO.eventcodes.txt"))
        #expect(codebook.descriptions.count == 311)
        #expect(codebook.descriptions["043"] == "Host a visit")
        let runner = ImportRunner(editor: w.editor, actor: "corpus-import", batchSize: 1000)
        try Corpora.read(path: RepositoryFiles.shared("data/gdelt1_georgia_cooperation_2011_2013/events.csv"), codebook: codebook) { try runner.add($0) }
        let summary = try runner.finish()
        #expect(summary.created == 7298 && summary.rejected.isEmpty, "\(summary.line) \(summary.rejected.prefix(3))")
        let first = try diplomacyEvent("event/gdelt/125503096", in: w)
        #expect(first.kind.rawValue == "meeting" && first.cameoCode == "040" && first.date.description == "2011-06-01")
        #expect(first.place == "South Ossetia, Georgia (general), Georgia")
    }

    @Test("the crawl CSVs import; rows without a publication time are rejected, each with its row",
          .enabled(if: RepositoryFiles.sharedAvailable, Comment(rawValue: RepositoryFiles.sharedMissingReason)))
    func crawl() throws {
        let w = try Workspace()
        let runner = ImportRunner(editor: w.editor, actor: "corpus-import")
        try Corpora.read(path: RepositoryFiles.shared("data/vi_news_crawl_2026/dantri_html_categories_vi.csv"), codebook: nil) { try runner.add($0) }
        let summary = try runner.finish()
        let noTime = summary.rejected.filter { $0.message.contains("invalid publishedAt") }
        #expect(noTime.count == 759, "README: 759 rows have an empty published_at")
        #expect(summary.created + summary.rejected.count + summary.unchanged + summary.corrected == 4609, "\(summary.line)")
        #expect(noTime.first?.location.unit == "row")
        #expect(summary.rejected.count == noTime.count, "\(summary.rejected.filter { !$0.message.contains("invalid publishedAt") }.prefix(3))")
    }

    @Test("the RSS crawl's category names become slugs",
          .enabled(if: RepositoryFiles.sharedAvailable, Comment(rawValue: RepositoryFiles.sharedMissingReason)))
    func crawlCategories() throws {
        let w = try Workspace()
        let runner = ImportRunner(editor: w.editor, actor: "corpus-import")
        try Corpora.read(path: RepositoryFiles.shared("data/vi_news_crawl_2026/rss_feed_articles_backup.csv"), codebook: nil) { try runner.add($0) }
        let summary = try runner.finish()
        // One of the 729 rows has no published_at (its title is several headlines run together).
        #expect(summary.created == 728, "\(summary.line) \(summary.rejected.prefix(3))")
        #expect(summary.rejected.map(\.location.line) == [2] && summary.rejected.first?.message.contains("invalid publishedAt") == true)
        #expect(Corpora.slug("Thế giới") == "the-gioi" && Corpora.slug("Kinh doanh") == "kinh-doanh" && Corpora.slug("Đời sống") == "doi-song")
    }

    @Test("every Wikipedia revision is read, never lost to a stray quote, and imports as one edit by its editor",
          .enabled(if: RepositoryFiles.sharedAvailable, Comment(rawValue: RepositoryFiles.sharedMissingReason)))
    func wikipediaRevisions() throws {
        let folder = RepositoryFiles.shared("data/wikipedia_revisions")
        let expected = ["Ebola_virus_disease": 7797, "Ebola_virus_disease_in_the_United_States": 1521, "Monsanto": 3985]
        var items: [ImportItem] = []
        for (page, count) in expected {
            let file = "\(folder)/\(page).Revisions.csv"
            // Counted here with a regular expression over the raw text: a revision is a line that
            // starts with an id and holds the diff URL of that id.
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let pattern = try Regex(#"^\s*(\d+),.*?&diff=(\d+)&oldid="#)
            var ids: Set<String> = []
            var editors: [String: Int] = [:]
            for line in text.split(separator: "\n") {
                guard let match = line.firstMatch(of: pattern), match.output[1].substring == match.output[2].substring,
                      let id = match.output[1].substring else { continue }
                ids.insert(String(id))
                // The editor: between the id and the four numbers before the URL.
                let beforeURL = line[..<line.range(of: ",https://")!.lowerBound].split(separator: ",", omittingEmptySubsequences: false)
                editors[beforeURL.dropFirst().dropLast(4).joined(separator: ",").trimmingCharacters(in: .whitespaces), default: 0] += 1
            }
            #expect(ids.count == count, "\(page): \(ids.count) revision lines")
            let history = try WikipediaRevisions.read(path: file)
            #expect(Set(history.revisions.map { String($0.id) }) == ids, "\(page): revisions read differ from the file's")
            let pageItems = try WikipediaRevisions.items(path: file)
            var read: [String: Int] = [:]
            for item in pageItems { read[item.edit?.actor ?? "", default: 0] += 1 }
            #expect(read == editors.reduce(into: [:]) { $0[$1.key.isEmpty ? "(unknown editor)" : $1.key, default: 0] += $1.value })
            items += pageItems
        }
        // Monsanto's revision 520590360 has a summary with a lone quote; the 29 after it are there.
        let monsanto = try WikipediaRevisions.read(path: "\(folder)/Monsanto.Revisions.csv").revisions.map(\.id)
        #expect(monsanto.contains(520590910) && monsanto.firstIndex(of: 520590360).map { monsanto.count - $0 } ?? 0 > 29)
        // Imported through the store with its records projection in AnnalsCLITests (this log alone
        // would replay a 7,797-event stream for every revision).
        #expect(items.count == 13303)
        #expect(items.allSatisfy { $0.edit != nil })
    }
}
