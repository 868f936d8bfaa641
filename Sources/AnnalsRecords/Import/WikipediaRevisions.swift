import AnnalsCore
import Foundation

/// A Wikipedia page's revision history (the `Revisions.csv` exports in `wikipedia_revisions/`),
/// replayed as one record's edit history: each revision a correction by its editor with its edit
/// summary as the reason.
public enum WikipediaRevisions {
    public struct Revision: Hashable, Sendable {
        public let id: String
        public let editor: String
        public let sizeAfter: Int
        /// Seconds since the page's first edit.
        public let secondsSinceFirst: Double
        public let comment: String
    }

    /// Reads the export. Its quirks are real and come in two kinds:
    /// - the raw export (it starts with a "Data pulled on …" line) is not CSV: edit summaries are
    ///   neither quoted nor escaped, so each line is split at its first seven commas and the rest is
    ///   the summary;
    /// - the Excel re-exports are CSV (quoted, some summaries spanning lines) padded with empty
    ///   columns, into which unquoted commas of a summary spill; those are joined back.
    /// Rows are returned in revision-id order.
    public static func read(path: String) throws -> [Revision] {
        var revisions: [Revision] = []
        var lines = LineReader(path: path).makeIterator()
        if lines.next()?.hasPrefix("Data pulled on") == true {
            while let line = lines.next() {
                let fields = line.split(separator: ",", maxSplits: 7, omittingEmptySubsequences: false).map(String.init)
                if let revision = revision(fields) { revisions.append(revision) }
            }
        } else {
            try TabularFile.rows(path: path) { _, fields in
                if let revision = revision(fields) { revisions.append(revision) }
            }
        }
        guard !revisions.isEmpty else {
            throw RecordError.invalidField(field: "file", value: path, fix: "no revision rows found; give a Revisions.csv export")
        }
        return revisions.sorted { UInt64($0.id) ?? 0 < UInt64($1.id) ?? 0 }
    }

    /// One row's revision, or nil for the header and blank rows.
    private static func revision(_ fields: [String]) -> Revision? {
        guard fields.count >= 7, let id = UInt64(fields[0].trimmingCharacters(in: .whitespaces)) else { return nil }
        var rest = Array(fields[7...])
        while rest.last?.isEmpty == true { rest.removeLast() }
            return Revision(id: String(id), editor: fields[1], sizeAfter: Int(fields[2]) ?? 0,
                            secondsSinceFirst: Double(fields[4].trimmingCharacters(in: .whitespaces)) ?? 0,
                            comment: rest.joined(separator: ",").trimmingCharacters(in: .whitespaces))
    }

    /// Creates the page's article from its first revision and applies every later revision as a
    /// correction of its `revision` field, by that revision's editor, with its summary as the reason.
    /// Returns the record's final state.
    public static func replay(_ revisions: [Revision], page: String, lastEdit: RecordDate, editor: RecordEditor) throws -> RecordState {
        guard let first = revisions.first else { throw RecordError.unknownRecord(id: page) }
        let url = "https://en.wikipedia.org/wiki/\(page)"
        let span = Int64(revisions.map(\.secondsSinceFirst).max() ?? 0)
        let start = Timestamp(microsecondsSinceEpoch: (lastEdit.epochSeconds - span) * 1_000_000).description
        let article = Article(id: try RecordID.article(url: url), source: "en.wikipedia.org", url: url, category: "wiki",
                              title: page.replacingOccurrences(of: "_", with: " "), publishedAt: try RecordDate(String(start.prefix(10))),
                              language: "en", revision: first.id)
        let created = try editor.create(.article(article), context: context(first))
        var state = try RecordState.fold(created.events)
        for revision in revisions.dropFirst() {
            guard let current = state else { break }
            let (append, _) = try RecordEditor.planCorrection(current, set: [(try FieldPath("revision"), .string(revision.id))], context: context(revision))
            for event in try editor.log.append([append]) { state = try RecordState.apply(event, to: state) }
        }
        guard let state else { throw RecordError.unknownRecord(id: article.id.rawValue) }
        return state
    }

    static func context(_ revision: Revision) -> EditContext {
        EditContext(actor: revision.editor.isEmpty ? "(unknown editor)" : revision.editor,
                    reason: revision.comment.isEmpty ? "(no edit summary)" : revision.comment)
    }
}
