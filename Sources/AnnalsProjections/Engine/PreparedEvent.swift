import AnnalsCore
import AnnalsMigrations
import AnnalsRecords
import Foundation

/// An event with everything derived from it alone: upcast, its payload parsed, and for a
/// create the new record's state with what each projection derives from it (`Projection.prepare`).
/// This is the part of applying an event that needs nothing from the projections' tables, so a
/// rebuild derives it on another core (`ReadAhead`) while the writer applies the previous chunk.
struct PreparedEvent: Sendable {
    /// What a create brings, computed from the event alone.
    struct Created: Sendable {
        let state: RecordState
        /// Each projection's own data for the new record, by projection (none: it prepares nothing).
        let derived: [ProjectionName: any Sendable]
    }

    /// The event in the current schema.
    let event: RecordedEvent
    /// The parsed payload of a record event (nil for events no projection reads the payload of).
    let payload: JSONValue?
    let created: Created?

    static func prepare(_ stored: RecordedEvent, upcaster: Upcaster, registry: ProjectionRegistry) throws -> PreparedEvent {
        let event = try upcaster.upcast(stored)
        guard let (_, kind) = EditKind.parse(event.type) else { return PreparedEvent(event: event, payload: nil, created: nil) }
        let payload = try JSONValue.parse(event.payload)
        guard kind == .created, let state = try? RecordState.apply(event, payload: payload, to: nil) else {
            return PreparedEvent(event: event, payload: payload, created: nil)
        }
        var derived: [ProjectionName: any Sendable] = [:]
        for projection in registry.all {
            // A record's number is the log position of its create.
            if let data = projection.prepare(created: state, number: event.position) { derived[projection.name] = data }
        }
        return PreparedEvent(event: event, payload: payload, created: Created(state: state, derived: derived))
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
