public import AnnalsRecords
import Foundation

/// What an import did: counts by outcome and each rejected record with its file, line and field.
public struct ImportResult: Encodable, Sendable {
    public struct Rejection: Encodable, Sendable {
        public let location: String
        public let message: String
    }

    /// How many files were read.
    public let files: Int
    public let created: Int
    public let corrected: Int
    public let unchanged: Int
    public let linked: Int
    public let rejected: [Rejection]
    /// The counts as one line for people.
    public let summary: String

    private enum CodingKeys: String, CodingKey { case created, corrected, unchanged, linked, rejected }
}

extension AnnalsService {
    /// Imports files and corpus folders (`-` reads JSONL from standard input), by extension: `.txt`
    /// (an article as saved from baolangson.vn), `.json`, `.jsonl` (records, or the Dân Trí and
    /// Baomoi corpora), `.csv` (the 2026 crawl, GDELT 1.0), `.tsv` (ICEWS). A record stored
    /// unchanged appends nothing; a changed one gets one correction of exactly the changed fields.
    /// Rejected records are listed in the result and skipped; the others land.
    public func importFiles(_ inputs: [String], actor: String, batchSize: Int = 1000, codebook: String? = nil) throws -> ImportResult {
        var paths: [String] = []
        for input in inputs {
            var isFolder: ObjCBool = false
            if input != "-" && !FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) {
                throw ApplicationError("cannot import \(input): no such file or folder")
            }
            paths += isFolder.boolValue ? try Corpora.files(inFolder: input) : [input]
        }
        let runner = ImportRunner(editor: editor, actor: actor, batchSize: batchSize)
        for path in paths { try Self.read(path, codebook: codebook, into: runner) }
        let summary = try runner.finish()
        return ImportResult(files: paths.count, created: summary.created, corrected: summary.corrected, unchanged: summary.unchanged,
                            linked: summary.linked,
                            rejected: summary.rejected.map { .init(location: $0.location.description, message: $0.message) },
                            summary: summary.line)
    }

    private static func read(_ path: String, codebook: String?, into runner: ImportRunner) throws {
        let name = path == "-" ? "stdin" : (path as NSString).lastPathComponent
        if path == "-" {
            var lines: [String] = []
            while let line = readLine(strippingNewline: true) { lines.append(line) }
            try RecordInput.readJSONL(lines: lines, file: name) { try runner.add($0) }
            return
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "txt":
            guard let data = FileManager.default.contents(atPath: path) else { throw ApplicationError("cannot read \(path)") }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ApplicationError("\(path) is not UTF-8 text; save it as UTF-8 and import again")
            }
            try runner.add(SeedTextParser.parse(text, file: name))
        case "json":
            guard let data = FileManager.default.contents(atPath: path) else { throw ApplicationError("cannot read \(path)") }
            for item in RecordInput.readJSON(data, file: name) { try runner.add(item) }
        case "jsonl":
            let first = LineReader(path: path).first { !$0.isEmpty } ?? ""
            if first.contains("\"recordType\"") {
                try RecordInput.readJSONL(lines: LineReader(path: path), file: name) { try runner.add($0) }
            } else {
                try Corpora.read(path: path, codebook: nil) { try runner.add($0) }
            }
        case "csv", "tsv":
            guard Corpora.kind(of: path) != nil else {
                throw ApplicationError("\(path): not a CSV Annals reads (the 2026 crawl, GDELT 1.0 events, ICEWS); convert it to JSONL records")
            }
            try Corpora.read(path: path, codebook: try codebookFor(path, given: codebook)) { try runner.add($0) }
        default:
            throw ApplicationError("\(path): unknown format; give .txt, .json, .jsonl, .csv or .tsv")
        }
    }

    /// The CAMEO codebook GDELT rows need: the one given, else the one beside the corpus folder.
    private static func codebookFor(_ path: String, given: String?) throws -> CAMEOCodebook? {
        guard Corpora.kind(of: path) == .gdeltCSV else { return nil }
        let folder = ((path as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        let candidate = given ?? folder + "/cameo_codebook/CAMEO.eventcodes.txt"
        guard FileManager.default.fileExists(atPath: candidate) else {
            throw ApplicationError("GDELT rows need the CAMEO codebook: give --codebook CAMEO.eventcodes.txt")
        }
        return try CAMEOCodebook.load(path: candidate)
    }
}
