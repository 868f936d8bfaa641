import AnnalsApplication
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
        skipped; the others land, and the exit code is then 1. All or nothing: every file is checked (readable, \
        a known format, UTF-8) before anything is written, and the import is one transaction, so any other \
        failure (a bad file, a full disk) writes nothing.

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
        let service = try session.open()
        defer { service.close() }
        let result = try service.importFiles(files, actor: try write.resolvedActor(), batchSize: batch, codebook: codebook)
        if global.json {
            try session.emit(result)
        } else {
            session.say("imported \(result.files) file\(result.files == 1 ? "" : "s"): \(result.summary)")
        }
        for rejection in result.rejected {
            warn("rejected: \(rejection.location): \(rejection.message)")
        }
        if !result.rejected.isEmpty {
            throw CLIError("\(result.rejected.count) record\(result.rejected.count == 1 ? " was" : "s were") rejected (listed above); the others were imported")
        }
    }
}
