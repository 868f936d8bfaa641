/// Where an imported record came from: a file and a line (or a CSV row).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    /// 1-based line for text and JSONL, 1-based data row for CSV and TSV.
    public let line: Int
    public let unit: String

    public init(file: String, line: Int, unit: String = "line") {
        self.file = file
        self.line = line
        self.unit = unit
    }

    public var description: String { unit == "line" ? "\(file):\(line)" : "\(file) \(unit) \(line)" }
}

/// One record read from an input, or why it could not be read.
public struct ImportItem: Sendable {
    public let location: SourceLocation
    public let result: Result<Record, RecordError>
    /// Articles the record should be linked to once it exists (from a diplomacy event's
    /// `sourceArticles` in JSON input).
    public let links: [RecordID]

    public init(location: SourceLocation, result: Result<Record, RecordError>, links: [RecordID] = []) {
        self.location = location
        self.result = result
        self.links = links
    }

    /// Runs `make`, turning a thrown `RecordError` into a failed item.
    public static func reading(_ location: SourceLocation, _ make: () throws -> (Record, [RecordID])) -> ImportItem {
        do {
            let (record, links) = try make()
            return ImportItem(location: location, result: .success(record), links: links)
        } catch let error as RecordError {
            return ImportItem(location: location, result: .failure(error))
        } catch {
            return ImportItem(location: location, result: .failure(.invalidField(field: "record", value: "", fix: "\(error)")))
        }
    }
}
