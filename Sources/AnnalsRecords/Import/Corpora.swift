public import AnnalsCore
import Foundation

/// Readers for the real corpora kept beside the project (see each folder's README): each turns
/// its rows into records without writing anything; `ImportRunner` writes them.
public enum Corpora {
    /// Every file of a corpus folder that Annals knows how to read. Throws when the folder holds none.
    public static func files(inFolder folder: String) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let known = names.filter { $0 == "articles.jsonl" || kind(of: folder + "/" + $0) != nil }.sorted()
        guard !known.isEmpty else {
            throw RecordError.invalidField(field: "corpus", value: folder,
                                           fix: "the folder holds no corpus file Annals reads (articles.jsonl, *.csv of the crawl, icews_vietnam_events.tsv, events.csv)")
        }
        return known.map { folder + "/" + $0 }
    }

    /// The corpus formats Annals reads, by file name.
    public enum Kind: Sendable {
        case dantriJSONL, baomoiJSONL, crawlCSV, icewsTSV, gdeltCSV, wikipediaRevisions
    }

    /// The corpus format of a file, from its name or, for CSV and TSV, its header row.
    public static func kind(of path: String) -> Kind? {
        let name = PathText.lastComponent(path)
        if name.hasSuffix(".Revisions.csv") { return .wikipediaRevisions }
        switch name {
        case "icews_vietnam_events.tsv": return .icewsTSV
        case "events.csv": return .gdeltCSV
        case "rss_feed_articles_backup.csv", "24h_html_categories_vi.csv", "dantri_html_categories_vi.csv": return .crawlCSV
        default: break
        }
        var lines = LineReader(path: path).makeIterator()
        guard name.hasSuffix(".csv") || name.hasSuffix(".tsv"), let header = lines.next() else { return nil }
        if header.contains("GLOBALEVENTID") { return .gdeltCSV }
        if header.contains("source_actor") && header.contains("event_text") { return .icewsTSV }
        if header.contains("source.name") && header.contains("published_at") { return .crawlCSV }
        return nil
    }

    /// Reads one corpus file. `codebook` is needed for GDELT rows (their descriptions).
    public static func read(path: String, codebook: CAMEOCodebook?, _ body: (ImportItem) throws -> Void) throws {
        let name = PathText.lastComponent(path)
        if name.hasSuffix(".jsonl") {
            // The two news corpora share a name; their fields tell them apart.
            for (index, line) in LineReader(path: path).enumerated() where !line.isEmpty {
                let location = SourceLocation(file: name, line: index + 1)
                try body(ImportItem.reading(location) {
                    let value = try JSONValue.parseInput(Array(line.utf8))
                    return (try value["paragraphs"] != nil ? dantriArticle(value) : baomoiArticle(value), [])
                })
            }
            return
        }
        switch kind(of: path) {
        case .crawlCSV?:
            try TabularFile.records(path: path) { row, fields in
                try body(ImportItem.reading(SourceLocation(file: name, line: row, unit: "row")) { (try crawlArticle(fields.get(), file: name), []) })
            }
        case .icewsTSV?:
            for item in try icewsEvents(path: path) { try body(item) }
        case .wikipediaRevisions?:
            for item in try WikipediaRevisions.items(path: path) { try body(item) }
        case .gdeltCSV?:
            try TabularFile.records(path: path) { row, fields in
                try body(ImportItem.reading(SourceLocation(file: name, line: row, unit: "row")) { (try gdeltEvent(fields.get(), codebook: codebook), []) })
            }
        default:
            throw RecordError.invalidField(field: "file", value: name, fix: "Annals reads articles.jsonl, the crawl CSVs, icews_vietnam_events.tsv and GDELT events.csv")
        }
    }

    // MARK: - Articles

    /// vi_news_dantri_unc: `{doc_id, source, url, published_date, category, title, paragraphs}`.
    /// The category is the corpus's (`business`), the URL's first segment only where it has none.
    static func dantriArticle(_ v: JSONValue) throws -> Record {
        let url = try required(v, "url")
        let link = try ArticleURL(url)
        var paragraphs: [String] = []
        if case .array(let items)? = v["paragraphs"] { paragraphs = items.compactMap(\.stringValue).filter { $0.contains { !$0.isWhitespace } } }
        return .article(Article(id: try RecordID("article/\(link.source)/\(link.number)"), source: link.source, url: url,
                                category: v["category"]?.stringValue.flatMap { $0.isEmpty ? nil : slug($0) } ?? link.category,
                                title: try required(v, "title"),
                                publishedAt: try RecordDate(try required(v, "published_date")), paragraphs: paragraphs))
    }

    /// vi_news_baomoi_vmds: Baomoi pages; times are Vietnam local time without an offset.
    static func baomoiArticle(_ v: JSONValue) throws -> Record {
        let url = try required(v, "url")
        let link = try ArticleURL(url)
        let local = try RecordDate(try required(v, "published_at_local"))
        let published = try RecordDate(year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute,
                                       second: local.second, offsetSeconds: SeedTextParser.vietnamOffset)
        let category = v["baomoi_category"]?.stringValue.map { $0.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" } }
        let body = v["body"]?.stringValue ?? ""
        return .article(Article(id: try RecordID("article/\(link.source)/\(link.number)"), source: link.source, url: url,
                                category: category?.isEmpty == false ? category : nil, title: try required(v, "title"),
                                publishedAt: published, paragraphs: body.contains { !$0.isWhitespace } ? [body] : []))
    }

    /// vi_news_crawl_2026 CSVs: `id,title,published_at,source.name,url,language,category.primary,keywords,entities[,content.text]`.
    static func crawlArticle(_ f: [String: String], file: String) throws -> Record {
        let url = f["url"] ?? ""
        let link = try ArticleURL(url)
        guard let publishedText = f["published_at"], !publishedText.isEmpty else {
            throw RecordError.invalidField(field: "publishedAt", value: "(empty)", fix: "the row has no published_at; an article needs its publication time")
        }
        let byline = f["source.name"] ?? ""
        let authors = file.hasPrefix("rss") && byline != "RSS_Feed" && !byline.isEmpty ? [byline] : []
        let primary = f["category.primary"].flatMap { $0.isEmpty ? nil : slug($0) }
        let keywords = (f["keywords"] ?? "").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let body = f["content.text"] ?? ""
        return .article(Article(id: try RecordID("article/\(link.source)/\(link.number)"), source: link.source, url: url,
                                category: primary ?? link.category, title: f["title"] ?? "",
                                publishedAt: try RecordDate(publishedText.replacingOccurrences(of: "+00:00", with: "Z")),
                                authors: authors, paragraphs: body.contains { !$0.isWhitespace } ? [body] : [],
                                keywords: keywords, language: f["language"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"))
    }

    // MARK: - Diplomacy events

    /// icews_vietnam: `dataset split line_no source_actor event_text target_actor event_date
    /// cameo_code_guess`, read whole (2,570 rows) so that a fact both datasets hold is one record:
    /// rows with the same source, event label, target and date are the same fact (ICEWS14 is a
    /// subset of ICEWS05-15). The record takes the id of the fact's first row and names every row
    /// in `provenance`.
    static func icewsEvents(path: String) throws -> [ImportItem] {
        let name = PathText.lastComponent(path)
        // In file order: a row that cannot be read, or the first row of a fact.
        var entries: [Result<[String], RecordError>] = [], locations: [SourceLocation] = []
        var rowsOfFact: [[String]: [[String: String]]] = [:]
        try TabularFile.records(path: path, delimiter: "\t") { row, fields in
            let location = SourceLocation(file: name, line: row, unit: "row")
            switch fields {
            case .failure(let error):
                entries.append(.failure(error))
                locations.append(location)
            case .success(let f):
                let fact = ["source_actor", "event_text", "target_actor", "event_date"].map { f[$0] ?? "" }
                if rowsOfFact[fact] == nil {
                    entries.append(.success(fact))
                    locations.append(location)
                }
                rowsOfFact[fact, default: []].append(f)
            }
        }
        return zip(entries, locations).map { entry, location in
            ImportItem.reading(location) { (try icewsEvent(rowsOfFact[try entry.get()] ?? []), []) }
        }
    }

    /// One ICEWS fact from its rows (the first gives the id). Classified by its CAMEO code (the
    /// row's, or the code of an ICEWS label the codebook words differently), from Vietnam's side:
    /// the counterpart is the side that is not Vietnamese, and aid a foreign actor gives a
    /// Vietnamese one is `aid-received`.
    static func icewsEvent(_ rows: [[String: String]]) throws -> Record {
        let f = rows[0]
        let dataset = (f["dataset"] ?? "").lowercased(), split = f["split"] ?? "", line = f["line_no"] ?? ""
        let source = f["source_actor"] ?? "", target = f["target_actor"] ?? "", text = f["event_text"] ?? ""
        let code = f["cameo_code_guess"].flatMap { $0.isEmpty ? nil : $0 } ?? CAMEOKinds.icewsLabels[text]
        let towardHome = isVietnamese(target) && !isVietnamese(source)
        let counterpart = towardHome ? source : target
        return .diplomacyEvent(DiplomacyEvent(
            id: try RecordID("event/icews/\(dataset)-\(split)-\(line)"),
            kind: try EventKind(code.map { CAMEOKinds.kind(for: $0, towardHome: towardHome) } ?? "other"),
            title: "\(source): \(text) (\(target))", date: try RecordDate(f["event_date"] ?? ""),
            participants: [source, target].filter { !$0.isEmpty },
            counterparts: counterpart.isEmpty ? [] : [Self.counterpart(counterpart, place: Countries.classify(name: counterpart))],
            description: text, cameoCode: code,
            provenance: rows.map { "\($0["dataset"] ?? "") \($0["split"] ?? "") line \($0["line_no"] ?? "")" }))
    }

    /// Whether an ICEWS actor is Vietnamese: the corpus's own rule ("Vietnam" in the name).
    static func isVietnamese(_ actor: String) -> Bool { actor.lowercased().contains("vietnam") }

    static func counterpart(_ name: String, place: Countries.Place?) -> Counterpart {
        switch place {
        case .country(let code)?: return Counterpart(name: name, countryCode: code)
        case .region(let code)?: return Counterpart(name: name, region: code)
        case nil: return Counterpart(name: name)
        }
    }

    /// gdelt1 events.csv: the GDELT 1.0 columns after `source_file`. Actor country codes are
    /// CAMEO's (`CHN`, `EUR`): countries become ISO alpha-2, regions stay regions. The acting side
    /// (Actor1) is seen giving, except that aid to Vietnam from another country is received.
    static func gdeltEvent(_ f: [String: String], codebook: CAMEOCodebook?) throws -> Record {
        func value(_ key: String) -> String? { f[key].flatMap { $0 == "NA" || $0.isEmpty ? nil : $0 } }
        let id = value("GLOBALEVENTID") ?? ""
        let code = value("EventCode") ?? ""
        let day = value("SQLDATE") ?? ""
        guard day.count == 8 else {
            throw RecordError.invalidField(field: "SQLDATE", value: day, fix: "GDELT dates are YYYYMMDD")
        }
        let date = try RecordDate("\(day.prefix(4))-\(day.dropFirst(4).prefix(2))-\(day.suffix(2))")
        let actor1 = value("Actor1Name") ?? value("Actor1CountryCode") ?? "?"
        let actor2 = value("Actor2Name") ?? value("Actor2CountryCode") ?? "?"
        let towardHome = value("Actor2CountryCode") == "VNM" && value("Actor1CountryCode") != "VNM"
        let other = towardHome ? (actor1, value("Actor1CountryCode")) : (actor2, value("Actor2CountryCode"))
        let description = codebook?.describe(code) ?? "CAMEO \(code)"
        var provenance = ["GDELT 1.0 event \(id)"]
        if let url = value("SOURCEURL") { provenance[0] += ": \(url)" }
        return .diplomacyEvent(DiplomacyEvent(
            id: try RecordID("event/gdelt/\(id)"), kind: try EventKind(CAMEOKinds.kind(for: code, towardHome: towardHome)),
            title: "\(actor1): \(description) (\(actor2))", date: date, place: value("ActionGeo_FullName"),
            participants: [actor1, actor2],
            counterparts: [counterpart(other.0, place: other.1.flatMap(Countries.classify(cameo:)))],
            description: description, cameoCode: code.isEmpty ? nil : code, provenance: provenance))
    }

    /// A category name as a slug: the RSS file writes "Thế giới" where the others write "the-gioi".
    public static func slug(_ name: String) -> String {
        let folded = name.replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "d")
            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX")).lowercased()
        return folded.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }).joined(separator: "-")
    }

    private static func required(_ v: JSONValue, _ key: String) throws -> String {
        guard let text = v[key]?.stringValue, !text.isEmpty else {
            throw RecordError.invalidField(field: key, value: v[key]?.description ?? "(missing)", fix: "the row needs \(key)")
        }
        return text
    }
}
