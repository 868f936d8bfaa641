public import AnnalsCore

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

/// Who made an imported edit, why and when, when the source says (a wiki revision), instead of
/// the import's actor and "import of FILE" at the recorded time.
public struct ImportEdit: Sendable, Equatable {
    public let actor: String
    public let reason: String
    public let effectiveAt: Timestamp
    /// The source's own order (a revision id): an item whose sequence is not above the record's
    /// current `revision` is already stored, so a re-import appends nothing.
    public let sequence: UInt64

    public init(actor: String, reason: String, effectiveAt: Timestamp, sequence: UInt64) {
        self.actor = actor
        self.reason = reason
        self.effectiveAt = effectiveAt
        self.sequence = sequence
    }
}

/// One record read from an input, or why it could not be read.
public struct ImportItem: Sendable {
    public let location: SourceLocation
    public let result: Result<Record, RecordError>
    /// Articles the record should be linked to once it exists (from a diplomacy event's
    /// `sourceArticles` in JSON input).
    public let links: [RecordID]
    /// The edit's own actor, reason and time, when the source gives them.
    public let edit: ImportEdit?

    public init(location: SourceLocation, result: Result<Record, RecordError>, links: [RecordID] = [], edit: ImportEdit? = nil) {
        self.location = location
        self.result = result
        self.links = links
        self.edit = edit
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
