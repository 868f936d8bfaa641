import AnnalsCore
import AnnalsRecords
import AnnalsTesting
import Foundation
import Testing

/// The corpus mappings checked against their sources: the CAMEO codebook's wording, Vietnam's
/// side of each event, one record per ICEWS fact, one country vocabulary, the corpus's categories.
@Suite("Corpus mappings against their codebooks", .enabled(if: RepositoryFiles.sharedAvailable, Comment(rawValue: RepositoryFiles.sharedMissingReason)))
struct CorpusMappingTests {
    let icewsPath = RepositoryFiles.shared("data/icews_vietnam/icews_vietnam_events.tsv")
    let gdeltPath = RepositoryFiles.shared("data/gdelt1_georgia_cooperation_2011_2013/events.csv")

    func codebook() throws -> CAMEOCodebook {
        try CAMEOCodebook.load(path: RepositoryFiles.shared("data/cameo_codebook/CAMEO.eventcodes.txt"))
    }

    func events(_ path: String, codebook: CAMEOCodebook? = nil) throws -> [DiplomacyEvent] {
        var events: [DiplomacyEvent] = []
        try Corpora.read(path: path, codebook: codebook) { item in
            if case .diplomacyEvent(let event) = try item.result.get() { events.append(event) }
        }
        return events
    }

    /// Rows of a corpus file, counted with the CSV reader on its own.
    func rows(_ path: String, delimiter: UnicodeScalar) throws -> [[String: String]] {
        var rows: [[String: String]] = []
        try TabularFile.records(path: path, delimiter: delimiter) { _, row in rows.append(try row.get()) }
        return rows
    }

    /// Rows in a corpus file: non-empty lines of JSONL, data rows of CSV and TSV.
    func rowCount(_ path: String) throws -> Int {
        if path.hasSuffix(".jsonl") { return LineReader(path: path).filter { !$0.isEmpty }.count }
        return try rows(path, delimiter: path.hasSuffix(".tsv") ? "\t" : ",").count
    }

    @Test("per corpus: rows in the files, records, edits, and rejected rows with their reasons",
          arguments: [("vi_news_dantri_unc", 1000, 1000, [String: Int]()),
                      ("vi_news_baomoi_vmds", 628, 628, [:]),
                      ("vi_news_crawl_2026", 5706, 4946, ["dantri_html_categories_vi.csv: invalid publishedAt": 759,
                                                          "rss_feed_articles_backup.csv: invalid publishedAt": 1]),
                      ("icews_vietnam", 2570, 2552, [:]),
                      ("gdelt1_georgia_cooperation_2011_2013", 7298, 7298, [:])])
    func corpusCounts(_ folder: String, rows: Int, records: Int, rejected: [String: Int]) throws {
        let w = try Workspace()
        let files = try Corpora.files(inFolder: RepositoryFiles.shared("data/\(folder)"))
        let codebook = try codebook()
        #expect(try files.reduce(0) { $0 + (try rowCount($1)) } == rows)
        let runner = ImportRunner(editor: w.editor, actor: "corpus-import", batchSize: 1000)
        for file in files { try Corpora.read(path: file, codebook: codebook) { try runner.add($0) } }
        let summary = try runner.finish()
        #expect(summary.created == records && summary.corrected == 0, "\(summary.line)")
        var edits = 0
        try w.log.forEachEvent { _ in edits += 1; return true }
        #expect(edits == records, "one create per record")
        var reasons: [String: Int] = [:]
        for rejection in summary.rejected {
            let reason = rejection.message.split(separator: " \"").first.map(String.init) ?? rejection.message
            reasons["\(rejection.location.file): \(reason)", default: 0] += 1
        }
        #expect(reasons == rejected)
        #expect(summary.created + summary.rejected.count == rows - (folder == "icews_vietnam" ? 18 : 0), "every row is a record, a rejection or (ICEWS) a second source of one")
    }

    @Test("the table in docs/records.md covers every CAMEO code the corpora use, with the codebook's wording and the rules' kind")
    func cameoTable() throws {
        let codebook = try codebook()
        let doc = try String(contentsOfFile: RepositoryFiles.path("docs/records.md"), encoding: .utf8)
        var table: [String: (description: String, kind: String, rows: Int)] = [:]
        for line in doc.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let code = cells.count >= 5 ? cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")) : ""
            guard !code.isEmpty, code.allSatisfy(\.isNumber) else { continue }
            table[code] = (cells[2], cells[3], Int(cells[4]) ?? -1)
        }
        var used: [String: Int] = [:]
        for row in try rows(gdeltPath, delimiter: ",") { used[row["EventCode"] ?? "", default: 0] += 1 }
        for row in try rows(icewsPath, delimiter: "\t") {
            let code = row["cameo_code_guess"].flatMap { $0.isEmpty ? nil : $0 } ?? CAMEOKinds.icewsLabels[row["event_text"] ?? ""]
            used[try #require(code, "ICEWS label without a code: \(row["event_text"] ?? "")"), default: 0] += 1
        }
        #expect(used.count == 95 && Set(used.keys) == Set(table.keys), "codes used but not in the table: \(Set(used.keys).subtracting(table.keys).sorted())")
        for (code, count) in used {
            guard let entry = table[code] else { continue }
            #expect(entry.description == codebook.descriptions[code], "\(code): the table says \(entry.description)")
            let kind = CAMEOKinds.kind(for: code)
            #expect(entry.kind == (kind == "aid-given" ? "aid-given / aid-received" : kind), "\(code)")
            #expect(entry.rows == count, "\(code): \(count) rows")
        }
        // Each ICEWS label the codebook words differently stands for a code whose wording says the same.
        for (label, code) in CAMEOKinds.icewsLabels {
            let words = { (text: String) in Set(text.lowercased().split { !$0.isLetter }.map(String.init)).subtracting(["not", "specified", "below", "such", "as", "a", "an", "or", "to"]) }
            let description = try #require(codebook.descriptions[code])
            let shared = words(label).intersection(words(description.replacingOccurrences(of: "matyerial", with: "material")))
            #expect(!shared.isEmpty, "\(label) → \(code) \(description)")
        }
        // Spot checks against the issue's cases: intent is not the act.
        #expect(CAMEOKinds.kind(for: "0311") == "pledge" && CAMEOKinds.kind(for: "036") == "pledge" && CAMEOKinds.kind(for: "033") == "pledge")
        #expect(CAMEOKinds.kind(for: "162") == "other" && CAMEOKinds.kind(for: "057") == "agreement" && CAMEOKinds.kind(for: "043") == "visit")
        #expect(CAMEOKinds.kind(for: "073", towardHome: true) == "aid-received" && CAMEOKinds.kind(for: "073") == "aid-given")
    }

    @Test("ICEWS: 2,570 rows are 2,552 facts, each classified by its code from Vietnam's side, with both sources of a shared fact named")
    func icews() throws {
        let rows = try rows(icewsPath, delimiter: "\t")
        #expect(rows.count == 2570)
        let events = try events(icewsPath)
        #expect(events.count == 2552)
        #expect(events.reduce(0) { $0 + ($1.provenance?.count ?? 0) } == 2570)
        let shared = events.filter { ($0.provenance?.count ?? 0) == 2 }
        #expect(shared.count == 18 && shared.allSatisfy { $0.provenance?.first?.hasPrefix("ICEWS05-15") == true && $0.provenance?.last?.hasPrefix("ICEWS14") == true })
        let pair = try #require(events.first { $0.provenance == ["ICEWS05-15 valid line 2907", "ICEWS14 valid line 7671"] })
        #expect(pair.id.rawValue == "event/icews/icews05-15-valid-2907")
        #expect(events.allSatisfy { $0.cameoCode != nil })

        func find(_ source: String, _ label: String, _ target: String) throws -> DiplomacyEvent {
            try #require(events.first { $0.participants == [source, target] && $0.description == label }, "\(source) | \(label) | \(target)")
        }
        // Aid a foreign actor gives Vietnam is received; the counterpart is the giver, with its country.
        let japan = try find("Japan", "Provide economic aid", "Vietnam")
        #expect(japan.kind.rawValue == "aid-received" && japan.counterparts == [Counterpart(name: "Japan", countryCode: "JP")])
        let laos = try find("Vietnam", "Provide aid", "Laos")
        #expect(laos.kind.rawValue == "aid-given" && laos.counterparts == [Counterpart(name: "Laos", countryCode: "LA")])
        let guards = try find("China", "Provide humanitarian aid", "Fishermen (Vietnam)")
        #expect(guards.kind.rawValue == "aid-received" && guards.counterparts.first?.countryCode == "CN")
        // The codebook's code, not words of the label: stopping aid is not aid given.
        let stop = try find("Japan", "Reduce or stop material aid", "Vietnam")
        #expect(stop.kind.rawValue == "other" && stop.cameoCode == "162")
        let intent = try #require(events.first { $0.cameoCode == "0311" })
        #expect(intent.kind.rawValue == "pledge")
        #expect(events.filter { $0.kind.rawValue == "aid-received" }.count > 20)
        // Regions are never countries; people and organisations are neither.
        let regions = events.flatMap(\.counterparts).filter { $0.region != nil }
        #expect(!regions.isEmpty && regions.allSatisfy { $0.countryCode == nil && Countries.regions[$0.region ?? ""] != nil })
        #expect(events.flatMap(\.counterparts).first { $0.name == "Xi Jinping" }.map { $0.countryCode == nil && $0.region == nil } == true)
        #expect(events.flatMap(\.counterparts).compactMap(\.countryCode).allSatisfy(Countries.alpha2.contains))
    }

    @Test("GDELT: CAMEO actor codes become ISO alpha-2 countries, regions stay regions, and aid to Vietnam is received")
    func gdelt() throws {
        let rows = try rows(gdeltPath, delimiter: ",")
        let events = try events(gdeltPath, codebook: codebook())
        #expect(rows.count == 7298 && events.count == 7298)
        let counterparts = events.flatMap(\.counterparts)
        #expect(counterparts.compactMap(\.countryCode).allSatisfy(Countries.alpha2.contains))
        #expect(!counterparts.contains { $0.countryCode == "EUR" || $0.countryCode == "WST" || $0.countryCode == "AFR" })
        // Every Actor2 code of a row seen from the acting side is a country or a region, none lost.
        var expectedRegions = 0
        for row in rows where row["Actor2CountryCode"] != "VNM" || row["Actor1CountryCode"] == "VNM" {
            if Countries.regions[row["Actor2CountryCode"] ?? ""] != nil { expectedRegions += 1 }
        }
        #expect(counterparts.filter { $0.region != nil }.count == expectedRegions && expectedRegions > 500)
        #expect(counterparts.filter { $0.countryCode == nil && $0.region == nil }.isEmpty)
        let usa = try #require(events.first { $0.counterparts.first?.name == "UNITED STATES" })
        #expect(usa.counterparts.first?.countryCode == "US")
        #expect(events.first { $0.id.rawValue == "event/gdelt/125503096" }?.provenance == ["GDELT 1.0 event 125503096"])
        // Rows with Vietnam as the target: the counterpart is the acting side.
        for (row, event) in zip(rows, events) where row["Actor2CountryCode"] == "VNM" && row["Actor1CountryCode"] != "VNM" {
            #expect(event.counterparts.first?.name == row["Actor1Name"] && event.counterparts.first?.countryCode == Countries.alpha2(forAlpha3: row["Actor1CountryCode"] ?? ""))
            if row["EventCode"]?.hasPrefix("07") == true { #expect(event.kind.rawValue == "aid-received") }
        }
    }

    @Test("Dân Trí articles take the corpus's 10 categories, 100 articles each")
    func dantriCategories() throws {
        var categories: [String: Int] = [:]
        try Corpora.read(path: RepositoryFiles.shared("data/vi_news_dantri_unc/articles.jsonl"), codebook: nil) { item in
            if case .article(let article) = try item.result.get() { categories[article.category ?? "(none)", default: 0] += 1 }
        }
        #expect(categories == ["business": 100, "education": 100, "entertainment": 100, "health": 100, "science": 100,
                               "society": 100, "sport": 100, "tech": 100, "travel": 100, "world": 100])
    }

    @Test("the country vocabulary: ISO alpha-2 for the seed facts as for the corpora, and input holding another code is refused with the fix")
    func vocabulary() throws {
        #expect(Countries.classify(cameo: "CHN") == .country("CN") && Countries.classify(cameo: "ROM") == .country("RO"))
        #expect(Countries.classify(cameo: "WST") == .region("WST") && Countries.classify(cameo: "XYZ") == nil)
        #expect(Countries.classify(name: "Citizen (China)") == .country("CN") && Countries.classify(name: "Russia") == .country("RU"))
        #expect(Countries.classify(name: "Southeast Asia") == .region("SEA") && Countries.classify(name: "Wen Jiabao") == nil)
        var seedCodes: [String] = []
        RecordInput.readJSONL(lines: LineReader(path: factsPath), file: "seed-facts.jsonl") { item in
            if case .success(.diplomacyEvent(let event)) = item.result { seedCodes += event.counterparts.compactMap(\.countryCode) }
        }
        #expect(seedCodes == ["CN", "CN"])
        func refusal(_ counterpart: String) -> String {
            let document = #"{"id":"event/x","kind":"meeting","title":"T","date":"2021","participants":[],"counterparts":[\#(counterpart)],"quantities":[],"sourceArticles":[]}"#
            do {
                _ = try Record.decodeInput(try JSONValue.parse(Array(document.utf8)), as: .diplomacyEvent)
                return "accepted"
            } catch { return "\(error)" }
        }
        #expect(refusal(#"{"name":"China","countryCode":"CHN"}"#).contains("use CN"))
        #expect(refusal(#"{"name":"Europe","countryCode":"EUR"}"#).contains("region"))
        #expect(refusal(#"{"name":"Europe","region":"EUR"}"#) == "accepted")
        #expect(refusal(#"{"name":"Nowhere","region":"XXX"}"#).contains("CAMEO region code"))
    }
}
