import AnnalsCore
import AnnalsLMDBLog
import AnnalsRecords
import AnnalsTesting
import Foundation

/// A temporary store with an editor over it.
final class Workspace {
    let store: TemporaryStore
    let log: LMDBEventLog
    let editor: RecordEditor

    init() throws {
        store = try TemporaryStore()
        log = try store.open()
        editor = RecordEditor(log: log)
    }

    /// Imports items and returns the summary.
    @discardableResult
    func importItems(_ items: [ImportItem], actor: String = "importer", batchSize: Int = 500) throws -> ImportRunner.Summary {
        let runner = ImportRunner(editor: editor, actor: actor, batchSize: batchSize)
        for item in items { try runner.add(item) }
        return try runner.finish()
    }

    @discardableResult
    func importJSONL(_ path: String) throws -> ImportRunner.Summary {
        var items: [ImportItem] = []
        RecordInput.readJSONL(lines: LineReader(path: path), file: (path as NSString).lastPathComponent) { items.append($0) }
        return try importItems(items)
    }

    @discardableResult
    func importText(_ path: String) throws -> ImportRunner.Summary {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try importItems([SeedTextParser.parse(text, file: (path as NSString).lastPathComponent)])
    }
}

let seedPath = RepositoryFiles.shared("seed/000_58f27647b65baa0f.txt")
let factsPath = RepositoryFiles.path("docs/examples/seed-facts.jsonl")
let demoArticlePath = RepositoryFiles.path("docs/examples/demo-article.txt")
let seedArticleID = "article/baolangson.vn/476767"

func context(_ actor: String = "editor", _ reason: String? = "fix") -> EditContext {
    EditContext(actor: actor, reason: reason)
}

func article(_ id: String = seedArticleID, in workspace: Workspace) throws -> Article {
    guard case .article(let article)? = try workspace.editor.state(of: RecordID(id))?.record else {
        throw ConformanceFailure("\(id) is not an article in the store")
    }
    return article
}

func diplomacyEvent(_ id: String, in workspace: Workspace) throws -> DiplomacyEvent {
    guard case .diplomacyEvent(let event)? = try workspace.editor.state(of: RecordID(id))?.record else {
        throw ConformanceFailure("\(id) is not a diplomacy event in the store")
    }
    return event
}
