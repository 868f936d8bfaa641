public import AnnalsCore
public import AnnalsRecords

/// The edit use cases: each is checked against the record's current state and appended with its
/// expected version, so a concurrent edit conflicts (`EventLogError.wrongExpectedVersion`).
extension AnnalsService {
    public func create(_ record: Record, context: EditContext) throws -> EditResult {
        EditResult(try editor.create(record, context: context), edit: "created")
    }

    /// Corrects fields given as `field=value` assignments, read as each field's current type.
    public func correct(_ id: RecordID, setting assignments: [String], expectedVersion: UInt64?, context: EditContext) throws -> EditResult {
        EditResult(try editor.correct(id, setting: assignments, expectedVersion: expectedVersion, context: context), edit: "corrected")
    }

    /// Corrects fields given as JSON values (nil removes an optional field), as the server does.
    public func correct(_ id: RecordID, values: [(FieldPath, JSONValue?)], expectedVersion: UInt64?, context: EditContext) throws -> EditResult {
        EditResult(try editor.correct(id, set: values, expectedVersion: expectedVersion, context: context), edit: "corrected")
    }

    public func retract(_ id: RecordID, expectedVersion: UInt64?, context: EditContext) throws -> EditResult {
        EditResult(try editor.retract(id, expectedVersion: expectedVersion, context: context), edit: "retracted")
    }

    public func restore(_ id: RecordID, expectedVersion: UInt64?, context: EditContext) throws -> EditResult {
        EditResult(try editor.restore(id, expectedVersion: expectedVersion, context: context), edit: "restored")
    }

    /// Links (or unlinks) an article and a diplomacy event; both records show the change.
    public func link(article: RecordID, event: RecordID, unlink: Bool, context: EditContext) throws -> LinkResult {
        let outcome = try editor.link(article: article, event: event, unlink: unlink, context: context)
        return LinkResult(article: article.rawValue, event: event.rawValue, edit: unlink ? "unlinked" : "linked",
                          position: outcome.events.last?.position ?? 0)
    }
}
