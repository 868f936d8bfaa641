public import AnnalsCore
import Foundation

/// A Wikipedia page's revision history (the `*.Revisions.csv` exports in `wikipedia_revisions/`),
/// imported as one article whose `revision` field each revision corrects: by its editor, with its
/// edit summary as the reason and its time as the effective time.
public enum WikipediaRevisions {
    public struct Revision: Hashable, Sendable {
        public let id: UInt64
        /// The revision it replaced (`oldid` of its diff URL; 0 for the page's creation).
        public let parent: UInt64
        public let editor: String
        /// Seconds since the page's first edit.
        public let secondsSinceFirst: Double
        public let comment: String
        /// The line of the file it starts on.
        public let line: Int
    }

    /// What `read` found in one file.
    public struct History: Sendable {
        public let page: String
        /// In revision-id order.
        public let revisions: [Revision]
        /// When the data was pulled: the preamble's "Data pulled on" time, else `defaultPull`.
        public let pulledAt: Timestamp

        /// A revision's time: the last revision is placed at the pull time and every other one
        /// that many seconds before it as the file says (the files give only offsets from the
        /// page's first edit). Times are exact relative to each other, approximate (by the time
        /// between the last edit and the pull) in absolute terms.
        public func time(of revision: Revision) -> Timestamp {
            let last = revisions.map(\.secondsSinceFirst).max() ?? 0
            let before = Int64(((last - revision.secondsSinceFirst) * 1_000_000).rounded())
            return Timestamp(microsecondsSinceEpoch: pulledAt.microsecondsSinceEpoch - before)
        }
    }

    /// The pull time of the exports that do not state theirs: the one export that does was pulled
    /// on 2014-10-29 at 11:05:58 by the same author, the same day as the others.
    public static let defaultPull = Timestamp(microsecondsSinceEpoch: 1_414_580_758 * 1_000_000)

    /// Reads an export line by line, never as CSV: edit summaries are neither quoted nor escaped
    /// reliably (a lone double quote in one swallowed 29 revisions of Monsanto under a CSV reader),
    /// and user names hold commas. A revision is a line that starts with its revision id and holds
    /// the diff URL of that same id; the id comes first, the four numbers (size, change, time,
    /// time since last) just before the URL, the user name between, the summary after. A line that
    /// is not a revision continues the previous summary (Excel re-exports split some across
    /// lines); padding commas are dropped, CSV quotes around a summary removed, and control
    /// characters become spaces (a reason is one line).
    public static func read(path: String) throws -> History {
        let file = PathText.lastComponent(path)
        let page = file.hasSuffix(".Revisions.csv") ? String(file.dropLast(".Revisions.csv".count)) : file
        var revisions: [Revision] = []
        var pulledAt = defaultPull
        var pendingComment: [String] = []
        func finish() {
            guard let last = revisions.popLast() else { return }
            revisions.append(Revision(id: last.id, parent: last.parent, editor: last.editor, secondsSinceFirst: last.secondsSinceFirst,
                                      comment: summary(pendingComment), line: last.line))
            pendingComment = []
        }
        for (index, line) in LineReader(path: path).enumerated() {
            if index == 0, line.hasPrefix("Data pulled on"), let time = pullTime(line) {
                pulledAt = time
                continue
            }
            if let (revision, comment) = try parse(line, number: index + 1, file: file) {
                finish()
                revisions.append(revision)
                pendingComment = [comment]
            } else if !revisions.isEmpty {
                pendingComment.append(line)
            }
        }
        finish()
        guard !revisions.isEmpty else {
            throw RecordError.invalidField(field: "file", value: file, fix: "no revision lines found; give a Revisions.csv export of the Wikipedia API")
        }
        return History(page: page, revisions: revisions.sorted { $0.id < $1.id }, pulledAt: pulledAt)
    }

    /// One revision line's revision and the start of its summary; nil for any other line. A line
    /// that starts with a number but is cut or malformed is an error naming its line.
    static func parse(_ line: String, number: Int, file: String) throws -> (Revision, String)? {
        let trimmed = line.drop { $0 == " " }
        guard let comma = trimmed.firstIndex(of: ","), let id = UInt64(trimmed[..<comma]) else { return nil }
        guard let urlStart = line.range(of: ",https://"), let diff = line.range(of: "&diff=\(id)&oldid=") else {
            throw RecordError.invalidField(field: "\(file) line \(number)", value: String(line.prefix(60)),
                                           fix: "a revision line holds the diff URL of its own revision id; the line is cut or not an export of revisions")
        }
        var fields = line[trimmed.startIndex..<urlStart.lowerBound].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 6 else {
            throw RecordError.invalidField(field: "\(file) line \(number)", value: String(line.prefix(60)),
                                           fix: "a revision line has id, user, size, change, time and time since last before its URL")
        }
        let numbers = fields.suffix(4)
        fields.removeLast(4)
        let editor = fields.dropFirst().joined(separator: ",").trimmingCharacters(in: .whitespaces)
        guard let seconds = Double(numbers[numbers.startIndex + 2].trimmingCharacters(in: .whitespaces)) else {
            throw RecordError.invalidField(field: "\(file) line \(number) time of edit", value: numbers[numbers.startIndex + 2],
                                           fix: "give seconds since the page's first edit")
        }
        let afterDiff = line[diff.upperBound...]
        let parentDigits = afterDiff.prefix { $0.isNumber }
        let rest = afterDiff.dropFirst(parentDigits.count)
        let comment = rest.hasPrefix(",") ? String(rest.dropFirst()) : String(rest)
        return (Revision(id: id, parent: UInt64(parentDigits) ?? 0, editor: editor, secondsSinceFirst: seconds, comment: "", line: number), comment)
    }

    /// A summary from its lines: padding commas dropped, CSV quotes removed, one line of text.
    static func summary(_ lines: [String]) -> String {
        var parts = lines.map { line -> String in
            var text = Substring(line)
            while text.last == "," { text = text.dropLast() }
            return String(text)
        }
        while parts.last?.isEmpty == true { parts.removeLast() }
        var text = parts.joined(separator: " ").trimmingCharacters(in: .whitespaces)
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") {
            text = String(text.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
        }
        let flat = String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? " " : scalar
        }))
        return flat.trimmingCharacters(in: .whitespaces)
    }

    /// "Data pulled on 10/29/2014 at 11:05:58" (month/day/year, taken as UTC).
    static func pullTime(_ line: String) -> Timestamp? {
        let words = line.split(separator: " ")
        guard words.count >= 5 else { return nil }
        let date = words[3].split(separator: "/"), time = words[5].split(separator: ":")
        guard date.count == 3, time.count == 3, let month = Int(date[0]), let day = Int(date[1]), let year = Int(date[2]),
              let parsed = try? RecordDate(String(format: "%04d-%02d-%02dT%@Z", year, month, day, String(words[5]))) else { return nil }
        return Timestamp(microsecondsSinceEpoch: parsed.epochSeconds * 1_000_000)
    }

    /// The import items of one export: the page's article at each revision, with that revision's
    /// editor, summary and time. Re-importing skips revisions the record already has.
    public static func items(path: String) throws -> [ImportItem] {
        let history = try read(path: path)
        let file = PathText.lastComponent(path)
        guard let first = history.revisions.first else { return [] }
        let url = "https://en.wikipedia.org/wiki/\(history.page)"
        let id = try RecordID.article(url: url)
        let created = try RecordDate(String(history.time(of: first).description.prefix(19)) + "Z")
        return history.revisions.map { revision in
            let article = Article(id: id, source: "en.wikipedia.org", url: url, category: "wiki",
                                  title: history.page.replacingOccurrences(of: "_", with: " "), publishedAt: created,
                                  language: "en", revision: String(revision.id))
            let edit = ImportEdit(actor: revision.editor.isEmpty ? "(unknown editor)" : revision.editor,
                                  reason: revision.comment.isEmpty ? "(no edit summary)" : revision.comment,
                                  effectiveAt: history.time(of: revision), sequence: revision.id)
            return ImportItem(location: SourceLocation(file: file, line: revision.line), result: .success(.article(article)), edit: edit)
        }
    }
}
