import AnnalsCore
import AnnalsMigrations
import AnnalsRecords

/// A log entry with everything derived from it alone: upcast, its payload parsed, and for a
/// create the new record's state with its search words and aggregate contributions. This is the
/// part of applying an entry that needs nothing from the projections, so a rebuild derives it on
/// another core (`ReadAhead`) while the writer applies the previous chunk.
struct PreparedEntry: Sendable {
    /// What a create brings, computed from the entry alone.
    struct Created: Sendable {
        let state: RecordState
        let words: Set<FoldedWord>
        let contributions: [AggregateKey: AggregateValue]
        /// The state as the records projection stores it (its number is the create's position).
        let storedState: [UInt8]
    }

    /// The entry in the current schema.
    let entry: RecordedEvent
    /// The parsed payload of a record entry (nil for entries no projection reads the payload of).
    let payload: JSONValue?
    let created: Created?

    static func prepare(_ stored: RecordedEvent, upcaster: Upcaster) throws -> PreparedEntry {
        let entry = try upcaster.upcast(stored)
        guard let (_, kind) = EditKind.parse(entry.type) else { return PreparedEntry(entry: entry, payload: nil, created: nil) }
        let payload = try JSONValue.parse(entry.payload)
        guard kind == .created, let state = try? RecordState.apply(entry, payload: payload, to: nil) else {
            return PreparedEntry(entry: entry, payload: payload, created: nil)
        }
        return PreparedEntry(entry: entry, payload: payload,
                             created: Created(state: state, words: SearchProjection.words(state), contributions: Contributions.of(state),
                                              storedState: StoredState.encode(state, number: entry.position)))
    }

    static func prepare(_ stored: [RecordedEvent], upcaster: Upcaster) throws -> [PreparedEntry] {
        try stored.map { try prepare($0, upcaster: upcaster) }
    }
}
