import AnnalsCore
import AnnalsProjections
import AnnalsRecords
import AnnalsTesting
import Foundation

/// A temporary projected store, with a clock the test moves by hand.
final class ProjectedWorkspace {
    let directory: TemporaryDirectory
    let clock: ManualClock
    private(set) var store: ProjectedStore
    var editor: RecordEditor { store.editor }
    var path: String { directory.appending("store") }

    init(registry: ProjectionRegistry = .standard) throws {
        directory = try TemporaryDirectory()
        clock = ManualClock(start: try RecordDate("2026-01-01T00:00:00Z"))
        store = try ProjectedStore(path: directory.appending("store"), create: true, registry: registry, clock: clock.read)
    }

    /// Closes and opens the store again, keeping the projections of `registry`.
    func reopen(registry: ProjectionRegistry = .standard) throws {
        store.environment.close()
        store = try ProjectedStore(path: path, create: false, registry: registry, clock: clock.read)
    }

    func close() { store.environment.close() }

    deinit {
        store.environment.close()
        directory.remove()
    }

    /// Imports the project's demo article and the seed's diplomacy facts.
    func importSeedFacts(actor: String = "importer") throws {
        let runner = ImportRunner(editor: editor, actor: actor)
        let text = try String(contentsOfFile: RepositoryFiles.path("docs/examples/demo-article.txt"), encoding: .utf8)
        try runner.add(SeedTextParser.parse(text, file: "demo-article.txt"))
        try RecordInput.readJSONL(lines: LineReader(path: RepositoryFiles.path("docs/examples/seed-facts.jsonl")), file: "seed-facts.jsonl") {
            try runner.add($0)
        }
        let summary = try runner.finish()
        guard summary.created == 6, summary.linked == 5, summary.rejected.isEmpty else {
            throw ConformanceFailure("the seed facts did not import cleanly: \(summary.line) \(summary.rejected)")
        }
    }

    /// The total of one aggregate cell now or at a position.
    func total(_ family: AggregateFamily, year: Int, _ dimensions: [String], asOf: UInt64? = nil) throws -> AggregateValue? {
        try AggregatesReader(store).cells(asOf: asOf, year: year, family: family).first { $0.key.dimensions == dimensions }?.value
    }
}

/// A clock that stands still until told to move, so "as of" times are exact.
final class ManualClock: @unchecked Sendable {
    // Read and advanced only from the test's own thread.
    private var now: Int64

    init(start: RecordDate) { now = start.epochSeconds * 1_000_000 }

    var read: @Sendable () -> Timestamp { { [unowned self] in Timestamp(microsecondsSinceEpoch: self.now) } }

    /// Moves the clock forward by whole days and returns the new time.
    @discardableResult
    func advance(days: Int) -> Timestamp {
        now += Int64(days) * 86_400 * 1_000_000
        return Timestamp(microsecondsSinceEpoch: now)
    }

    var current: Timestamp { Timestamp(microsecondsSinceEpoch: now) }
}

func usd(_ text: String) throws -> ExactDecimal { try ExactDecimal(text) }

func edit(_ actor: String, _ reason: String) -> EditContext { EditContext(actor: actor, reason: reason) }

extension ProjectedWorkspace {
    /// Appends as a tool that knows only the log would (another process opening the bare log):
    /// with the inline projections detached for the call, so none sees the events.
    func appendLogOnly(_ appends: [StreamAppend]) throws {
        let inline = store.log.observer
        store.log.observer = nil
        defer { store.log.observer = inline }
        try store.log.append(appends)
    }
}

extension ProjectedStore {
    /// An editor over the store, as the application layer makes one: appends through the log
    /// (the projections join each), current states from the records projection.
    var editor: RecordEditor { RecordEditor(log: events, states: RecordsReader(self)) }
}
