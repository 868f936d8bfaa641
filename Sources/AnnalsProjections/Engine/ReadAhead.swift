import AnnalsCore
import AnnalsMigrations
import Foundation

/// Reads a log ahead of the projection writer, on a thread of its own, and prepares each chunk
/// (`PreparedEvent`: decode, upcast, parse, fold the words and sum the contributions of creates)
/// while the writer applies the previous one: a rebuild or a catch-up then uses both cores. At
/// most `depth` chunks wait, so memory stays bounded by a few chunks.
///
/// Only full chunks of `chunkSize` events are handed out when `fullChunksOnly` (a rebuild applies
/// the remainder itself, inside its final transaction); otherwise it reads up to `until`.
final class ReadAhead: Sendable {
    private let handOff: HandOff<ReadChunk>

    init(source: any EventLog, from position: UInt64, until: UInt64?, chunkSize: Int, fullChunksOnly: Bool,
         upcaster: Upcaster, registry: ProjectionRegistry, depth: Int = 2) {
        let handOff = HandOff<ReadChunk>(depth: depth)
        self.handOff = handOff
        let log = SourceLog(log: source)
        handOff.fill(onThread: "annals read-ahead") {
            try Self.read(log.log, from: position, until: until, chunkSize: chunkSize, fullChunksOnly: fullChunksOnly,
                          upcaster: upcaster, registry: registry, into: handOff)
        }
    }

    /// The next chunk, waiting for it; nil at the end. Rethrows a failure of the reader.
    func next() throws -> ReadChunk? {
        try handOff.take(upTo: 1)?.first
    }

    /// Stops the reader and waits until it has ended (after its current read, if any), so the log
    /// may be closed once this returns. Called when the writer is done, early or not.
    func stop() {
        handOff.stop()
    }

    private static func read(_ log: any EventLog, from position: UInt64, until: UInt64?, chunkSize: Int, fullChunksOnly: Bool,
                             upcaster: Upcaster, registry: ProjectionRegistry, into handOff: HandOff<ReadChunk>) throws {
        var next = max(position, 1)
        while true {
            if let until, next > until { return }
            let limit = until.map { min(UInt64(chunkSize), $0 - next + 1) }.map(Int.init) ?? chunkSize
            let stored = try log.readLog(from: next, limit: limit)
            guard let last = stored.last, !(fullChunksOnly && stored.count < chunkSize) else { return }
            try handOff.put(ReadChunk(stored: stored, upcaster: upcaster, registry: registry))
            if stored.count < limit { return }
            next = last.position + 1
        }
    }
}

/// Consecutive events read from a log: as stored, and prepared for the projections.
struct ReadChunk: Sendable {
    let stored: [RecordedEvent]
    /// The events prepared, or why they could not be: thrown by `prepared()` where the chunk is
    /// applied, after the checks that come first there (a follower's divergence checks).
    private let preparation: Result<[PreparedEvent], any Error>

    /// `stored`, prepared for the projections of `registry`.
    init(stored: [RecordedEvent], upcaster: Upcaster, registry: ProjectionRegistry) {
        self.stored = stored
        preparation = Result { try PreparedEvent.prepare(stored, upcaster: upcaster, registry: registry) }
    }

    /// The events prepared for the projections; throws what preparing them threw.
    func prepared() throws -> [PreparedEvent] { try preparation.get() }

    /// The position of its last event (0 for none).
    var lastPosition: UInt64 { stored.last?.position ?? 0 }
}

/// Carries a log to the read-ahead thread. The LMDB log may be read from any thread: its
/// environment is opened with MDB_NOTLS, each read is its own short read transaction, and a read
/// touches no mutable state of the log object; the in-memory and PostgreSQL logs are `Sendable`
/// already (the PostgreSQL one is made to be called from threads that block).
private struct SourceLog: @unchecked Sendable {
    let log: any EventLog
}
