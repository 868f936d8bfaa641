public import AnnalsCore
public import Foundation

/// The part of importing a record that needs no store: its edit context, its checks and its
/// create planned as if the record were new. It runs on the thread that reads the input
/// (`ImportRunner.add` uses the create only when the store holds no such record).
public struct ImportPlanner: Sendable {
    /// Recorded on every event an item does not give its own actor for.
    public let actor: String
    /// Shared by every event of the import.
    public let correlationID: UUID

    public init(actor: String, correlationID: UUID) {
        self.actor = actor
        self.correlationID = correlationID
    }

    /// The context of an edit the input at `location` leads to without giving its own: the
    /// import's actor, and a reason naming the input's file.
    public func context(of location: SourceLocation) -> EditContext {
        EditContext(actor: actor, reason: "import of \(location.file)", correlationID: correlationID)
    }

    /// `item` with its context and, for a record, its create (or why it cannot be created).
    public func prepare(_ item: ImportItem) -> PreparedImportItem {
        let context = item.edit.map { EditContext(actor: $0.actor, reason: $0.reason, correlationID: correlationID, effectiveAt: $0.effectiveAt) }
            ?? context(of: item.location)
        guard case .success(let record) = item.result else { return PreparedImportItem(item: item, context: context, create: nil) }
        // A record comes into the world when its source says: an article when published, a
        // diplomacy event on its date. (A re-import's correction has no such date.)
        var created = context
        created.effectiveAt = item.edit?.effectiveAt ?? record.sourceDate
        return PreparedImportItem(item: item, context: context, create: Result { try RecordEditor.planCreate(record, current: nil, context: created) })
    }
}

/// An import item with what `ImportPlanner` prepared for it.
public struct PreparedImportItem: Sendable {
    public let item: ImportItem
    /// The context of a correction the item leads to.
    public let context: EditContext
    /// The record's create, for when the store holds no such record; nil for an item that holds no record.
    public let create: Result<StreamAppend, any Error>?
}
