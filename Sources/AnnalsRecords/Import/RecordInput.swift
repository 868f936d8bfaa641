public import AnnalsCore
public import Foundation

/// Records as JSON objects (the `import` format for JSON and JSONL; see `docs/records.md`).
///
/// Each object has `"recordType": "article"` or `"diplomacyEvent"` and the record's fields.
/// For articles, `id`, `source` and `category` may be left out: they come from the URL.
/// Lists may be left out (empty), `language` defaults to `vi`. Links given as an article's
/// `linkedEvents` or a diplomacy event's `sourceArticles` become link edits after the create.
public enum RecordInput {
    public static func record(from value: JSONValue) throws -> (Record, [RecordID]) {
        guard case .object(var fields) = value.normalized() else {
            throw RecordError.invalidField(field: "record", value: String(value.description.prefix(60)), fix: "each record is a JSON object")
        }
        guard let typeName = fields.removeValue(forKey: "recordType")?.stringValue, let type = RecordType(rawValue: typeName) else {
            throw RecordError.invalidField(field: "recordType", value: fields["recordType"]?.description ?? "(missing)",
                                           fix: "give \"recordType\": \"article\" or \"diplomacyEvent\"")
        }
        let linkField = type == .article ? "linkedEvents" : "sourceArticles"
        var links: [RecordID] = []
        if case .array(let items)? = fields[linkField] {
            for (i, item) in items.enumerated() {
                guard let text = item.stringValue else {
                    throw RecordError.invalidField(field: "\(linkField)[\(i)]", value: item.description, fix: "give record ids as text")
                }
                do { links.append(try RecordID(text)) } catch {
                    throw RecordError.invalidField(field: "\(linkField)[\(i)]", value: text, fix: "give ids such as article/baolangson.vn/476767")
                }
            }
        }
        fields[linkField] = .array([])
        switch type {
        case .article:
            for list in ["authors", "paragraphs", "keywords"] where fields[list] == nil { fields[list] = .array([]) }
            if fields["language"] == nil { fields["language"] = .string("vi") }
            if let url = fields["url"]?.stringValue {
                let link = try ArticleURL(url)
                if fields["source"] == nil { fields["source"] = .string(link.source) }
                if fields["id"] == nil { fields["id"] = .string("article/\(link.source)/\(link.number)") }
                if fields["category"] == nil, let category = link.category { fields["category"] = .string(category) }
            }
        case .diplomacyEvent:
            for list in ["participants", "counterparts", "quantities"] where fields[list] == nil { fields[list] = .array([]) }
        }
        return (try Record.decodeInput(.object(fields), as: type), links)
    }

    /// Reads a JSON file: one record object, or an array of them.
    public static func readJSON(_ data: Data, file: String) -> [ImportItem] {
        let value: JSONValue
        do { value = try JSONValue.parseInput(Array(data)) } catch {
            return [ImportItem(location: SourceLocation(file: file, line: 1),
                               result: .failure(.invalidField(field: "JSON", value: file, fix: "the file is not valid JSON: \(jsonProblem(error))")))]
        }
        guard case .array(let items) = value else {
            return [ImportItem.reading(SourceLocation(file: file, line: 1)) { try record(from: value) }]
        }
        return items.enumerated().map { index, item in
            ImportItem.reading(SourceLocation(file: file, line: index + 1, unit: "item")) { try record(from: item) }
        }
    }

    /// Reads JSONL one line at a time, calling `body` for each record line.
    public static func readJSONL(lines: some Sequence<String>, file: String, _ body: (ImportItem) throws -> Void) rethrows {
        for (index, line) in lines.enumerated() where line.contains(where: { !$0.isWhitespace }) {
            let location = SourceLocation(file: file, line: index + 1)
            try body(ImportItem.reading(location) {
                let value: JSONValue
                do { value = try JSONValue.parseInput(Array(line.utf8)) } catch {
                    throw RecordError.invalidField(field: "JSON", value: String(line.prefix(60)), fix: "each line must be one JSON object: \(jsonProblem(error))")
                }
                return try record(from: value)
            })
        }
    }

    static func jsonProblem(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
        }
        return "\(error)"
    }
}
