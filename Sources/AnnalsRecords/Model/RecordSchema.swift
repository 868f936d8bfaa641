public import AnnalsCore

/// The fields each record type has, and the size limits on their values: what every input path
/// (create, correct, import) is checked against before anything is written.
public enum RecordSchema {
    /// A field's shape: a value, an object of named fields, or a list of one shape.
    indirect enum Shape: Sendable {
        case value
        case object([String: Shape])
        case list(Shape)
    }

    static let article: [String: Shape] = [
        "id": .value, "source": .value, "url": .value, "category": .value, "title": .value, "publishedAt": .value,
        "viewCount": .object(["count": .value, "readAt": .value]),
        "authors": .list(.value), "paragraphs": .list(.value), "keywords": .list(.value),
        "language": .value, "revision": .value, "linkedEvents": .list(.value),
    ]

    static let diplomacyEvent: [String: Shape] = [
        "id": .value, "kind": .value, "title": .value, "date": .value, "place": .value, "organizer": .value,
        "participants": .list(.value),
        "counterparts": .list(.object(["name": .value, "countryCode": .value, "region": .value])),
        "quantities": .list(.object(["metric": .value, "value": .value, "unit": .value])),
        "description": .value, "cameoCode": .value, "provenance": .list(.value), "sourceArticles": .list(.value),
    ]

    /// The fields no edit may change: the id is the stream, the type is fixed by the id, links
    /// change by link and unlink.
    public static let fixedFields: [String: String] = [
        "id": "ids never change; create a new record",
        "recordType": "a record's type never changes; create a new record of the other type",
        "linkedEvents": "use link or unlink to change links",
        "sourceArticles": "use link or unlink to change links",
    ]

    // MARK: - Limits

    /// Bytes (UTF-8) of a value that becomes part of an LMDB key (LMDB keys hold at most 511 bytes;
    /// an aggregate key holds two such values): sources, categories, kinds, counterpart names,
    /// metrics, units, actors. The longest in the real corpora is 64.
    public static let maxKeyTextBytes = 200
    /// Bytes of a one-line text field: titles, URLs, authors, keywords, places. Longest seen: 912.
    public static let maxLineBytes = 4096
    /// Bytes of one paragraph or description. Longest seen: 22,495.
    public static let maxLongTextBytes = 256 << 10
    /// Bytes of a whole record as JSON. Largest seen: 22,985.
    public static let maxRecordBytes = 1 << 20

    /// The first field of `document` that the schema of `type` does not have, with the closest
    /// known field as a suggestion; nil when every field is known.
    static func unknownField(in document: JSONValue, type: RecordType) -> RecordError? {
        unknown(document, shape: .object(type == .article ? article : diplomacyEvent), path: "")
    }

    private static func unknown(_ value: JSONValue, shape: Shape, path: String) -> RecordError? {
        switch (value, shape) {
        case (.object(let members), .object(let fields)):
            for key in members.keys.sorted() {
                let field = path.isEmpty ? key : "\(path).\(key)"
                guard let inner = fields[key] else {
                    if let fix = fixedFields[key], path.isEmpty {
                        return .invalidField(field: field, value: members[key]?.description ?? "", fix: fix)
                    }
                    let suggestion = closest(key, among: fields.keys).map { "did you mean \"\($0)\"? " } ?? ""
                    return .invalidField(field: field, value: String((members[key]?.description ?? "").prefix(60)),
                                         fix: "no such field; \(suggestion)the fields here are \(fields.keys.sorted().joined(separator: ", "))")
                }
                if let member = members[key], let problem = unknown(member, shape: inner, path: field) { return problem }
            }
        case (.array(let items), .list(let inner)):
            for (i, item) in items.enumerated() {
                if let problem = unknown(item, shape: inner, path: "\(path)[\(i)]") { return problem }
            }
        default: break
        }
        return nil
    }

    /// The known name nearest `name` by edit distance, when it is near enough to be a misspelling.
    public static func closest(_ name: String, among names: some Sequence<String>) -> String? {
        let scored = names.map { ($0, distance(name.lowercased(), $0.lowercased())) }.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        guard let (best, score) = scored, score <= max(2, name.count / 3) else { return nil }
        return best
    }

    /// Levenshtein distance, counting an adjacent swap as one edit.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
