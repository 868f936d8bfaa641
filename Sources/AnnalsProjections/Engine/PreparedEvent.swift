import AnnalsCore
import AnnalsMigrations
import AnnalsRecords
import Foundation

/// An event with everything derived from it alone: upcast, its payload parsed, and for a
/// create the new record's state with what each projection derives from it (`Projection.prepare`).
/// This is the part of applying an event that needs nothing from the projections' tables, so a
/// rebuild derives it on another core (`ReadAhead`) while the writer applies the previous chunk.
/// A class, so that handing a chunk of them between threads and into a batch counts one reference
/// each rather than each of its strings and arrays.
final class PreparedEvent: Sendable {
    /// What a create brings, computed from the event alone.
    struct Created: Sendable {
        let state: RecordState
        /// Each projection's own data for the new record, by projection (none: it prepares nothing).
        let derived: DerivedData
    }

    /// The event in the current schema.
    let event: RecordedEvent
    /// The edit a record event is (nil for events of no record).
    let kind: EditKind?
    /// The parsed payload of a record event other than a create read from its text (nil for
    /// those, and for events of no record).
    let payload: JSONValue?
    let created: Created?

    init(event: RecordedEvent, kind: EditKind?, payload: JSONValue?, created: Created?) {
        self.event = event
        self.kind = kind
        self.payload = payload
        self.created = created
    }

    static func prepare(_ stored: RecordedEvent, upcaster: Upcaster, registry: ProjectionRegistry) throws -> PreparedEvent {
        let event = try upcaster.upcast(stored)
        guard let (_, kind) = EditKind.parse(event.type) else { return PreparedEvent(event: event, kind: nil, payload: nil, created: nil) }
        // A create's new state holds the record's text, not a tree (`JSONObjectBytes`); text the
        // scanner leaves to the parser (or that holds no record) takes the parser's path, which
        // says what is wrong with it.
        if kind == .created, let state = try? RecordState.created(event) {
            return PreparedEvent(event: event, kind: kind, payload: nil, created: created(state, registry: registry))
        }
        let payload = try JSONValue.parse(event.payload)
        guard kind == .created, let state = try? RecordState.apply(event, payload: payload, to: nil) else {
            return PreparedEvent(event: event, kind: kind, payload: payload, created: nil)
        }
        return PreparedEvent(event: event, kind: kind, payload: payload, created: created(state, registry: registry))
    }

    /// The payload parsed: what `payload` holds, or the event's text parsed now.
    func parsedPayload() throws -> JSONValue {
        try payload ?? JSONValue.parse(event.payload)
    }

    private static func created(_ state: RecordState, registry: ProjectionRegistry) -> Created {
        var derived = DerivedData(capacity: registry.all.count)
        for projection in registry.all {
            // A record's number is the log position of its create.
            if let data = projection.prepare(created: state, number: state.position) { derived.set(data, for: projection.name) }
        }
        return Created(state: state, derived: derived)
    }

    /// Prepares a batch; a large one (an import's, a catch-up's) on both cores, half each.
    static func prepare(_ stored: [RecordedEvent], upcaster: Upcaster, registry: ProjectionRegistry) throws -> [PreparedEvent] {
        guard stored.count >= 256, ProcessInfo.processInfo.activeProcessorCount > 1 else {
            return try stored.map { try prepare($0, upcaster: upcaster, registry: registry) }
        }
        let halves = HalfResults()
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            let range = half == 0 ? 0..<stored.count / 2 : stored.count / 2..<stored.count
            halves.store(half, Result { try stored[range].map { try prepare($0, upcaster: upcaster, registry: registry) } })
        }
        return try halves.joined()
    }
}

/// The two halves of a batch prepared on two threads. @unchecked Sendable: each thread writes only
/// its own slot, under the lock, and the slots are read after `concurrentPerform` has returned.
private final class HalfResults: @unchecked Sendable {
    private let lock = NSLock()
    private var halves: [Result<[PreparedEvent], any Error>?] = [nil, nil]

    func store(_ half: Int, _ result: Result<[PreparedEvent], any Error>) {
        lock.lock()
        halves[half] = result
        lock.unlock()
    }

    func joined() throws -> [PreparedEvent] {
        lock.lock()
        defer { lock.unlock() }
        var all: [PreparedEvent] = []
        for half in halves { all += try half?.get() ?? [] }
        return all
    }
}
