import AnnalsCore
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
    ///
    /// All or nothing: every input is checked (exists, a format Annals reads, its codebook) before
    /// anything is written, and the whole import is one write transaction (on a follower's store,
    /// one transaction of the shared log per batch: a failed import keeps the batches before it,
    /// and running it again appends only what is still missing). Records refused on their
    /// own (a bad field) are listed in the result and skipped; any other failure (a file that
    /// cannot be read, a full disk) writes nothing at all. Other writers wait while it runs.
    public func importFiles(_ inputs: [String], actor: String, batchSize: Int = 1000, codebook: String? = nil) throws -> ImportResult {
        var paths: [String] = []
        for input in inputs {
            var isFolder: ObjCBool = false
            if input != "-" && !FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) {
                throw ApplicationError("cannot import \(input): no such file or folder; nothing was imported")
            }
            paths += isFolder.boolValue ? try Corpora.files(inFolder: input) : [input]
        }
        let readers = try paths.map { try Self.reader(for: $0, codebook: codebook) }
        let summary = try asOneWrite {
            let runner = ImportRunner(editor: editor, actor: actor, batchSize: batchSize)
            // The inputs are read and their records prepared on another core while this one writes.
            try ImportPipeline.run(readers, planner: runner.planner) { try runner.add($0) }
            return try runner.finish()
        }
        return ImportResult(files: paths.count, created: summary.created, corrected: summary.corrected, unchanged: summary.unchanged,
                            linked: summary.linked,
                            rejected: summary.rejected.map { .init(location: $0.location.description, message: $0.message) },
                            summary: summary.line)
    }

    /// What reads one input into a runner, after checking (before any write) that it can: the file
    /// is readable, its format known, its codebook found. Standard input is read here, once.
    private static func reader(for path: String, codebook: String?) throws -> ImportPipeline.Reader {
        let name = path == "-" ? "stdin" : PathText.lastComponent(path)
        if path == "-" {
            var lines: [String] = []
            let input = FileHandle.standardInput.readDataToEndOfFile()
            for (index, bytes) in input.split(separator: 0x0a, omittingEmptySubsequences: false).enumerated() {
                try UTF8Check.require(ArraySlice(bytes), line: index + 1, file: name)
                lines.append(String(decoding: bytes.last == 0x0d ? bytes.dropLast() : bytes[...], as: UTF8.self))
            }
            return { add in try RecordInput.readJSONL(lines: lines, file: name, add) }
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ApplicationError("cannot read \(path): check its permissions; nothing was imported")
        }
        try UTF8Check.require(path: path, file: name)
        switch PathText.fileExtension(path).lowercased() {
        case "txt":
            return { add in
                guard let data = FileManager.default.contents(atPath: path) else { throw ApplicationError("cannot read \(path); nothing was imported") }
                guard let text = String(validating: data, as: UTF8.self) else {
                    throw ApplicationError("\(path) is not UTF-8 text; save it as UTF-8 and import again; nothing was imported")
                }
                try add(SeedTextParser.parse(text, file: name))
            }
        case "json":
            return { add in
                guard let data = FileManager.default.contents(atPath: path) else { throw ApplicationError("cannot read \(path); nothing was imported") }
                for item in RecordInput.readJSON(data, file: name) { try add(item) }
            }
        case "jsonl":
            let first = LineReader(path: path).first { !$0.isEmpty } ?? ""
            if first.contains("\"recordType\"") {
                return { add in try RecordInput.readJSONL(lines: LineReader(path: path), file: name, add) }
            }
            return { add in try Corpora.read(path: path, codebook: nil, add) }
        case "csv", "tsv":
            guard Corpora.kind(of: path) != nil else {
                throw ApplicationError("\(path): not a CSV Annals reads (the 2026 crawl, GDELT 1.0 events, ICEWS); convert it to JSONL records; nothing was imported")
            }
            let codebook = try codebookFor(path, given: codebook)
            return { add in try Corpora.read(path: path, codebook: codebook, add) }
        default:
            throw ApplicationError("\(path): unknown format; give .txt, .json, .jsonl, .csv or .tsv; nothing was imported")
        }
    }

    /// The CAMEO codebook GDELT rows need: the one given, else the one beside the corpus folder.
    private static func codebookFor(_ path: String, given: String?) throws -> CAMEOCodebook? {
        guard Corpora.kind(of: path) == .gdeltCSV else { return nil }
        let folder = PathText.parent(PathText.parent(path))
        let candidate = given ?? folder + "/cameo_codebook/CAMEO.eventcodes.txt"
        guard FileManager.default.fileExists(atPath: candidate) else {
            throw ApplicationError("GDELT rows need the CAMEO codebook: give --codebook CAMEO.eventcodes.txt")
        }
        return try CAMEOCodebook.load(path: candidate)
    }
}
