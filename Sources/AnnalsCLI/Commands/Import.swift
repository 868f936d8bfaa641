import AnnalsProjections
import AnnalsRecords
import ArgumentParser
import Foundation

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import records from files or corpus folders; re-importing changes only what differs.",
        discussion: """
        Formats, by extension: .txt (an article as saved from baolangson.vn), .json (a record or a list), \
        .jsonl (records, or the Dân Trí and Baomoi corpora), .csv (the 2026 crawl, GDELT 1.0), .tsv (ICEWS). \
        A folder imports every corpus file in it. '-' reads JSONL from stdin.
        A record already stored unchanged appends nothing; a changed one gets one correction of exactly the \
        changed fields, with the reason "import of FILE". Bad records are reported with file, line and field and \
        skipped; the others land, and the exit code is then 1.

        Example: annals import docs/examples/demo-article.txt docs/examples/seed-facts.jsonl --actor "Minh Anh"
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions

    @Argument(help: ArgumentHelp("Files or folders to import ('-' for JSONL on stdin).", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("The CAMEO codebook for GDELT rows (default: cameo_codebook/CAMEO.eventcodes.txt beside the corpus folder).", valueName: "file"))
    var codebook: String?

    @Option(name: .long, help: "Records per write transaction.")
    var batch = 1000

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one file to import") }
        guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
    }

    func run() throws {
        let session = Session(options: global)
        let store = try session.open()
        defer { store.environment.close() }
        let runner = ImportRunner(editor: RecordEditor(log: store), actor: try write.resolvedActor(), batchSize: batch)
        var paths: [String] = []
        for file in files {
            var isFolder: ObjCBool = false
            if file != "-" && !FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) {
                throw CLIError("cannot import \(file): no such file or folder")
            }
            paths += isFolder.boolValue ? try Corpora.files(inFolder: file) : [file]
        }
        for path in paths { try importFile(path, into: runner) }
        let summary = try runner.finish()
        if global.json {
            session.emit(.object([
                "created": .integer(Int64(summary.created)), "corrected": .integer(Int64(summary.corrected)),
                "unchanged": .integer(Int64(summary.unchanged)), "linked": .integer(Int64(summary.linked)),
                "rejected": .array(summary.rejected.map { .object(["location": .string($0.location.description), "message": .string($0.message)]) }),
            ]))
        } else {
            session.say("imported \(paths.count) file\(paths.count == 1 ? "" : "s"): \(summary.line)")
        }
        for rejection in summary.rejected {
            FileHandle.standardError.write(Data("rejected: \(rejection)\n".utf8))
        }
        if !summary.rejected.isEmpty {
            throw CLIError("\(summary.rejected.count) record\(summary.rejected.count == 1 ? " was" : "s were") rejected (listed above); the others were imported")
        }
    }

    private func importFile(_ path: String, into runner: ImportRunner) throws {
        let name = path == "-" ? "stdin" : (path as NSString).lastPathComponent
        if path == "-" {
            var lines: [String] = []
            while let line = readLine(strippingNewline: true) { lines.append(line) }
            try RecordInput.readJSONL(lines: lines, file: name) { try runner.add($0) }
            return
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "txt":
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
            guard let text = String(data: data, encoding: .utf8) else {
                throw CLIError("\(path) is not UTF-8 text; save it as UTF-8 and import again")
            }
            try runner.add(SeedTextParser.parse(text, file: name))
        case "json":
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
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
                throw CLIError("\(path): not a CSV Annals reads (the 2026 crawl, GDELT 1.0 events, ICEWS); convert it to JSONL records")
            }
            try Corpora.read(path: path, codebook: try codebookFor(path)) { try runner.add($0) }
        default:
            throw CLIError("\(path): unknown format; give .txt, .json, .jsonl, .csv or .tsv")
        }
    }

    private func codebookFor(_ path: String) throws -> CAMEOCodebook? {
        guard Corpora.kind(of: path) == .gdeltCSV else { return nil }
        let folder = ((path as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        let candidate = codebook ?? folder + "/cameo_codebook/CAMEO.eventcodes.txt"
        guard FileManager.default.fileExists(atPath: candidate) else {
            throw CLIError("GDELT rows need the CAMEO codebook: give --codebook CAMEO.eventcodes.txt")
        }
        return try CAMEOCodebook.load(path: candidate)
    }
}
