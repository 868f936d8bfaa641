public import AnnalsCore
public import Foundation

/// Writes imported records in batches (many records per write transaction).
///
/// - A new record is created; an existing one whose fields differ gets one correction with exactly
///   the changed fields and a reason naming the import; an identical one appends nothing. So
///   re-importing a file is idempotent.
/// - A record that fails (bad field, retracted, conflicting) is reported with its file, line and
///   field and is not written; the others are.
/// - Links named by the input are made once both records exist.
public final class ImportRunner {
    /// What an import did.
    public struct Summary: Sendable, Equatable {
        public var created = 0
        public var corrected = 0
        public var unchanged = 0
        public var linked = 0
        public var rejected: [Rejection] = []

        public init() {}

        /// One line for people: `created 3, corrected 1, unchanged 0, linked 2, rejected 0`.
        public var line: String {
            "created \(created), corrected \(corrected), unchanged \(unchanged), linked \(linked), rejected \(rejected.count)"
        }
    }

    /// A record that was not written, and why.
    public struct Rejection: Sendable, Equatable, CustomStringConvertible {
        public let location: SourceLocation
        public let message: String
        public var description: String { "\(location): \(message)" }
    }

    private struct Pending {
        let location: SourceLocation
        let append: StreamAppend
        let isCreate: Bool
    }

    public let editor: RecordEditor
    public let batchSize: Int
    private let actor: String
    private let correlationID: UUID
    private var pending: [Pending] = []
    private var pendingIDs: Set<RecordID> = []
    private var pendingLinks: [(SourceLocation, RecordID, RecordID)] = []
    public private(set) var summary = Summary()

    /// `actor` is recorded on every event; each event's reason names the import and its file.
    public init(editor: RecordEditor, actor: String, correlationID: UUID = .random(), batchSize: Int = 500) {
        self.editor = editor
        self.actor = actor
        self.correlationID = correlationID
        self.batchSize = max(1, batchSize)
    }

    /// What the part of an import that needs no store uses: this runner's actor and correlation id.
    public var planner: ImportPlanner { ImportPlanner(actor: actor, correlationID: correlationID) }

    /// Takes one item; writes a batch when it is full.
    public func add(_ item: ImportItem) throws {
        try add(planner.prepare(item))
    }

    /// Takes one item prepared by `planner` (on any thread); writes a batch when it is full.
    public func add(_ prepared: PreparedImportItem) throws {
        let item = prepared.item
        let record: Record
        switch item.result {
        case .failure(let error):
            summary.rejected.append(Rejection(location: item.location, message: error.description))
            return
        case .success(let value):
            record = value
        }
        if pendingIDs.contains(record.id) || pendingLinks.contains(where: { $0.1 == record.id || $0.2 == record.id }) { try flush() }
        do {
            if let current = try editor.state(of: record.id) {
                if let sequence = item.edit?.sequence, let stored = current.document["revision"]?.stringValue.flatMap(UInt64.init), stored >= sequence {
                    summary.unchanged += 1
                } else if current.retracted {
                    if try current.document != RecordEditor.incomingDocument(record, beside: current) {
                        throw RecordError.invalidState(id: record.id.rawValue, problem: "is retracted", fix: "restore it before importing a changed version")
                    }
                    summary.unchanged += 1
                } else if let (append, _) = try RecordEditor.planUpdate(current, to: record, context: prepared.context) {
                    enqueue(Pending(location: item.location, append: append, isCreate: false), record.id)
                } else {
                    summary.unchanged += 1
                }
            } else if let create = prepared.create {
                enqueue(Pending(location: item.location, append: try create.get(), isCreate: true), record.id)
            }
        } catch let error as RecordError {
            summary.rejected.append(Rejection(location: item.location, message: error.description))
            return
        }
        for other in item.links {
            let (article, event) = record.type == .article ? (record.id, other) : (other, record.id)
            pendingLinks.append((item.location, article, event))
        }
        if pending.count >= batchSize { try flush() }
    }

    /// Writes what is pending and returns the summary.
    @discardableResult
    public func finish() throws -> Summary {
        try flush()
        return summary
    }

    private func enqueue(_ item: Pending, _ id: RecordID) {
        pending.append(item)
        pendingIDs.insert(id)
    }

    private func flush() throws {
        defer {
            pending.removeAll()
            pendingIDs.removeAll()
        }
        if !pending.isEmpty {
            do {
                try editor.log.append(pending.map(\.append))
                count(pending)
            } catch let error as EventLogError {
                // Something in the batch conflicted (another writer): write one by one, so only the
                // records that fail are left out.
                _ = error
                for item in pending {
                    do {
                        try editor.log.append([item.append])
                        count([item])
                    } catch let error as EventLogError {
                        summary.rejected.append(Rejection(location: item.location, message: error.description))
                    }
                }
            }
        }
        let links = pendingLinks
        pendingLinks.removeAll()
        for (location, article, event) in links {
            do {
                let articleState = try editor.existing(article), eventState = try editor.existing(event)
                if articleState.links.contains(event) { continue }
                try editor.log.append(RecordEditor.planLink(article: articleState, event: eventState, context: planner.context(of: location)))
                summary.linked += 1
            } catch let error as RecordError {
                summary.rejected.append(Rejection(location: location, message: "link \(article) ↔ \(event): \(error)"))
            } catch let error as EventLogError {
                summary.rejected.append(Rejection(location: location, message: "link \(article) ↔ \(event): \(error)"))
            }
        }
    }

    private func count(_ items: [Pending]) {
        for item in items {
            if item.isCreate { summary.created += 1 } else { summary.corrected += 1 }
        }
    }
}
