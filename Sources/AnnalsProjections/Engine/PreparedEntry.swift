import AnnalsCore
import AnnalsMigrations
import AnnalsRecords
import Foundation

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

    /// Prepares a batch; a large one (an import's, a catch-up's) on both cores, half each.
    static func prepare(_ stored: [RecordedEvent], upcaster: Upcaster) throws -> [PreparedEntry] {
        guard stored.count >= 256, ProcessInfo.processInfo.activeProcessorCount > 1 else {
            return try stored.map { try prepare($0, upcaster: upcaster) }
        }
        let halves = HalfResults()
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            let range = half == 0 ? 0..<stored.count / 2 : stored.count / 2..<stored.count
            halves.store(half, Result { try stored[range].map { try prepare($0, upcaster: upcaster) } })
        }
        return try halves.joined()
    }
}

/// The two halves of a batch prepared on two threads. @unchecked Sendable: each thread writes only
/// its own slot, under the lock, and the slots are read after `concurrentPerform` has returned.
private final class HalfResults: @unchecked Sendable {
    private let lock = NSLock()
    private var halves: [Result<[PreparedEntry], any Error>?] = [nil, nil]

    func store(_ half: Int, _ result: Result<[PreparedEntry], any Error>) {
        lock.lock()
        halves[half] = result
        lock.unlock()
    }

    func joined() throws -> [PreparedEntry] {
        lock.lock()
        defer { lock.unlock() }
        var all: [PreparedEntry] = []
        for half in halves { all += try half?.get() ?? [] }
        return all
    }
}
