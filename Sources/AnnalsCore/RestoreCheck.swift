import Foundation

/// The checks a log makes before storing an event exactly as another log stored it (import-log,
/// a follower's replica, a move between backends): the same in every backend, so an event is
/// accepted by one exactly when it is accepted by the others.
package enum RestoreCheck {
    /// The record bytes to store for `event` (what its hash covers), once it is shown to follow
    /// `head`: the next position, its stream's next version after `streamVersion`, a time not
    /// before the head's, an id not stored yet, and a hash the re-encoded record reproduces.
    /// Anything else is refused naming the position.
    package static func record(for event: RecordedEvent, after head: LogHead, streamVersion: UInt64, idStored: Bool) throws -> [UInt8] {
        func refuse(_ problem: String) -> EventLogError {
            .invalidInput(field: "exported event at position \(event.position)", value: event.id.uuidString,
                          fix: "\(problem); export the source log again and import the whole file into a new store")
        }
        guard event.position == head.position + 1 else { throw refuse("expected position \(head.position + 1)") }
        guard event.streamVersion == streamVersion + 1 else { throw refuse("expected version \(streamVersion + 1) of \(event.stream)") }
        guard event.recordedAt >= (head.lastRecordedAt ?? event.recordedAt) else { throw refuse("its time goes back") }
        guard !idStored else { throw refuse("its id is already stored") }
        let proposed = try EventValidation.validated(ProposedEvent(id: event.id, type: event.type, schemaVersion: event.schemaVersion,
                                                                    payload: event.payload, metadata: event.metadata))
        let record = RecordCodec.encode(position: event.position, streamVersion: event.streamVersion, recordedAt: event.recordedAt,
                                        stream: event.stream, event: proposed)
        guard RecordCodec.chainHash(previous: head.hash, record: record) == event.hash else {
            throw refuse("its hash does not match its content and the chain before it")
        }
        return record
    }
}
