public import AnnalsCore
import AnnalsRecords
import Foundation

/// The inputs a hostile user controls, each as a function of raw bytes that must return (any
/// outcome but a crash or a hang is fine: errors are the expected answer to garbage). libFuzzer
/// drives them through `annals-fuzz`; the crashers it found are kept under `Tests/Fuzz` and
/// replayed by the default test run.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// An article saved from baolangson.vn as plain text (`import file.txt`).
    case seedText = "seed-text"
    /// A JSON record file (`import file.json`): one record or an array.
    case json
    /// JSONL records (`import file.jsonl`), line by line.
    case jsonl
    /// Corpus rows: the first byte picks the crawl CSV, ICEWS TSV or GDELT CSV reader.
    case corpusRows = "corpus-rows"
    /// `--set field=value` assignments applied to a stored record, then checked.
    case setParser = "set-parser"
    /// Lines of `annals export` (what import-log reads) and checkpoint statements.
    case exportLines = "export-lines"

    /// Runs the target on one input.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .seedText:
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            _ = SeedTextParser.parse(text, file: "fuzz.txt").result
        case .json:
            for item in RecordInput.readJSON(Data(bytes), file: "fuzz.json") { _ = item.result }
        case .jsonl:
            let lines = bytes.split(separator: 0x0a, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            RecordInput.readJSONL(lines: lines, file: "fuzz.jsonl") { _ = $0.result }
        case .corpusRows:
            corpusRows(bytes)
        case .setParser:
            setParser(bytes)
        case .exportLines:
            let text = String(decoding: bytes, as: UTF8.self)
            for line in text.split(separator: "\n") { _ = try? RecordedEvent(exportLine: String(line)) }
            _ = try? Checkpoint.read(text, file: "fuzz.jsonl").map(\.signatureIsValid)
        }
    }

    private func corpusRows(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let headers = [
            ("rss_feed_articles_backup.csv", "title,url,published_at,source.name,category.primary,keywords,content.text\n"),
            ("icews_vietnam_events.tsv", "dataset\tsplit\tline_no\tevent_date\tsource_actor\ttarget_actor\tevent_text\tcameo_code_guess\n"),
            ("events.csv", "GLOBALEVENTID,SQLDATE,EventCode,Actor1Name,Actor1CountryCode,Actor2Name,Actor2CountryCode\n"),
        ]
        let (name, header) = headers[Int(selector) % headers.count]
        let folder = NSTemporaryDirectory() + "annals-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(Array(header.utf8) + bytes.dropFirst()))
        let codebook = CAMEOCodebook(descriptions: ["040": "Consult", "043": "Make a visit"])
        try? Corpora.read(path: path, codebook: codebook) { _ = $0.result }
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func setParser(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let id = try? RecordID("event/fuzz"),
              let record = try? Record.decode(.object([
                  "id": .string(id.rawValue), "kind": .string("meeting"), "title": .string("Họp"), "date": .string("2021-05-01"),
                  "participants": .array([]), "counterparts": .array([.object(["name": .string("Quảng Tây")])]),
                  "quantities": .array([.object(["metric": .string("ngo-aid"), "value": .string("1108742"), "unit": .string("USD")])]),
                  "sourceArticles": .array([]),
              ]), as: .diplomacyEvent),
              let document = try? record.document() else { return }
        let state = RecordState(id: id, document: document, version: 1, retracted: false, createdAt: Timestamp(microsecondsSinceEpoch: 0),
                                createdBy: "fuzz", changedAt: Timestamp(microsecondsSinceEpoch: 0), changedBy: "fuzz", position: 1)
        let assignments = text.split(separator: "\n").compactMap { try? FieldPath.assignment(String($0), in: document) }
        _ = try? RecordEditor.planCorrection(state, set: assignments, context: EditContext(actor: "fuzz", reason: "fuzz", account: nil))
    }
}
