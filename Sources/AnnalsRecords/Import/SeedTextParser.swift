import AnnalsCore
import Foundation

/// Reads an article in the plain-text form saved from baolangson.vn:
///
/// ```
/// <title>
///
/// Thứ 7, 22.01.2022 | 08:58:32        weekday, day.month.year | time (Vietnam time, UTC+7)
/// 258 lượt xem                         the view count
///
/// <lead and body paragraphs, one per line, blank lines between>
///
/// AUTHOR/site                          the byline and the site
///
/// https://site/category/number-slug.html
///
///   • Từ khóa [keywords, comma-separated]
/// ```
/// The weekday must agree with the date. Errors name the line.
public enum SeedTextParser {
    /// Vietnam's UTC offset, which the format's times are in.
    public static let vietnamOffset = 7 * 3600

    public static func parse(_ text: String, file: String) -> ImportItem {
        var lineNumber = 1
        return ImportItem.reading(SourceLocation(file: file, line: 1)) {
            do {
                return (.article(try parseArticle(text, lineNumber: &lineNumber)), [])
            } catch let error as RecordError {
                guard case let .invalidField(field, value, fix) = error else { throw error }
                throw RecordError.invalidField(field: "\(field) (line \(lineNumber))", value: value, fix: fix)
            }
        }
    }

    static func parseArticle(_ text: String, lineNumber: inout Int) throws -> Article {
        let lines = text.nfc.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        func nextNonEmpty(_ what: String) throws -> String {
            while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces).isEmpty { index += 1 }
            guard index < lines.count else {
                lineNumber = lines.count
                throw RecordError.invalidField(field: what, value: "(end of file)", fix: "the file ends before the \(what)")
            }
            lineNumber = index + 1
            defer { index += 1 }
            return lines[index].trimmingCharacters(in: .whitespaces)
        }

        let title = try nextNonEmpty("title")
        let published = try parseDateLine(try nextNonEmpty("date line"))
        let views = try parseViews(try nextNonEmpty("view count"))

        // The URL is the last line that is an http(s) address; the byline is the last line before it.
        guard let urlIndex = lines.lastIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("http") }), urlIndex >= index else {
            lineNumber = lines.count
            throw RecordError.invalidField(field: "url", value: "(none)", fix: "the article needs its URL on a line of its own after the byline")
        }
        let url = lines[urlIndex].trimmingCharacters(in: .whitespaces)
        let link = try ArticleURL(url)
        guard let bylineIndex = lines[index..<urlIndex].lastIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            lineNumber = urlIndex + 1
            throw RecordError.invalidField(field: "byline", value: "(none)", fix: "put the AUTHOR/site line before the URL")
        }
        lineNumber = bylineIndex + 1
        let byline = lines[bylineIndex].trimmingCharacters(in: .whitespaces)
        guard let slash = byline.lastIndex(of: "/"), byline[byline.index(after: slash)...].contains(".") else {
            throw RecordError.invalidField(field: "byline", value: byline, fix: "write the byline as AUTHOR/site, as in LIỄU CHANG/baolangson.vn")
        }
        let site = byline[byline.index(after: slash)...].lowercased()
        guard site == link.source else {
            throw RecordError.invalidField(field: "byline", value: byline, fix: "the byline's site \(site) differs from the URL's \(link.source)")
        }
        let authors = byline[..<slash].split(whereSeparator: { $0 == "," || $0 == "-" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }

        let paragraphs = lines[index..<bylineIndex].map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !paragraphs.isEmpty else {
            lineNumber = index + 1
            throw RecordError.invalidField(field: "body", value: "(empty)", fix: "the article needs at least one paragraph before the byline")
        }

        var keywords: [String] = []
        if let marker = lines[(urlIndex + 1)...].firstIndex(where: { $0.contains("Từ khóa") }) {
            let rest = lines[marker].components(separatedBy: "Từ khóa").last ?? ""
            let tail = ([rest] + lines[(marker + 1)...]).joined(separator: ",")
            keywords = tail.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " :#•\t")) }.filter { !$0.isEmpty }
        }

        lineNumber = 1
        return Article(id: try RecordID("article/\(link.source)/\(link.number)"), source: link.source, url: url, category: link.category,
                       title: title, publishedAt: published, viewCount: views, authors: authors, paragraphs: paragraphs,
                       keywords: keywords, language: "vi")
    }

    static let weekdays: [String: Int] = [
        "thứ 2": 1, "thứ hai": 1, "thứ 3": 2, "thứ ba": 2, "thứ 4": 3, "thứ tư": 3, "thứ 5": 4, "thứ năm": 4,
        "thứ 6": 5, "thứ sáu": 5, "thứ 7": 6, "thứ bảy": 6, "chủ nhật": 7, "cn": 7,
    ]

    /// `Thứ 7, 22.01.2022 | 08:58:32` in Vietnam time.
    static func parseDateLine(_ line: String) throws -> RecordDate {
        let fail = { (fix: String) in RecordError.invalidField(field: "date line", value: line, fix: fix) }
        let parts = line.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let weekday = weekdays[parts[0].lowercased()] else {
            throw fail("start with the weekday, as in \"Thứ 7, 22.01.2022 | 08:58:32\"")
        }
        let halves = parts[1].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        let day = halves.first?.split(separator: ".").compactMap { Int($0) } ?? []
        let time = halves.count == 2 ? halves[1].split(separator: ":").compactMap { Int($0) } : []
        guard halves.count == 2, day.count == 3, (2...3).contains(time.count) else {
            throw fail("write the date and time as dd.mm.yyyy | hh:mm:ss")
        }
        let date = try RecordDate(year: day[2], month: day[1], day: day[0], hour: time[0], minute: time[1],
                                  second: time.count == 3 ? time[2] : 0, offsetSeconds: vietnamOffset)
        guard date.weekday == weekday else {
            let names = [1: "Thứ 2", 2: "Thứ 3", 3: "Thứ 4", 4: "Thứ 5", 5: "Thứ 6", 6: "Thứ 7", 7: "Chủ nhật"]
            throw fail("\(date.description.prefix(10)) is a \(names[date.weekday ?? 0] ?? "?"), not a \(parts[0]); correct the weekday or the date")
        }
        return date
    }

    /// `258 lượt xem`, with Vietnamese thousands dots (`1.234 lượt xem`).
    static func parseViews(_ line: String) throws -> ViewCount {
        let parts = line.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[1].lowercased().hasPrefix("lượt xem"),
              let number = try? ExactDecimal.vietnamese(String(parts[0])), let count = Int64(number.description) else {
            throw RecordError.invalidField(field: "view count", value: line, fix: "write the views as \"258 lượt xem\"")
        }
        return ViewCount(count: count)
    }
}
