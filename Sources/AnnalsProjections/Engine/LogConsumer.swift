import AnnalsCore
import AnnalsMigrations

/// The one loop that carries a log's events into a store from the position the store holds:
/// projections catching up with a log (`ProjectionCatchUp`) and a follower copying a shared log
/// (`SharedLogReplica`) both run it, and differ only in how they commit a chunk.
///
/// Chunks are read and prepared on another thread (`ReadAhead`) while the previous one commits, so
/// a long catch-up uses both cores; one of at most a chunk is read in line, with no thread to start.
struct LogConsumer {
    let source: any EventLog
    let upcaster: Upcaster
    let registry: ProjectionRegistry
    let chunkSize: Int

    /// Hands the events after `position` through `target` to `commit`, a chunk at a time in log
    /// order, and returns the position reached: `target`, or less where the source ends first.
    ///
    /// `commit` returns the position the store holds once the chunk is in: past the chunk when
    /// another process committed further meanwhile (the next chunks then hold events the store
    /// has, which `commit` skips), short of it when it could not take the whole chunk (the rest
    /// is read again from there). A chunk that moves nothing ends the loop. `progress` gets
    /// (position reached, target) after each chunk.
    func run(after position: UInt64, through target: UInt64, progress: (UInt64, UInt64) -> Void,
             commit: (ReadChunk) throws -> UInt64) throws -> UInt64 {
        var done = position
        while done < target {
            let start = done
            if target - done <= UInt64(chunkSize) {
                let stored = try source.readLog(from: done + 1, limit: Int(target - done))
                guard !stored.isEmpty else { break }
                done = try commit(ReadChunk(stored: stored, upcaster: upcaster, registry: registry))
                progress(done, target)
            } else {
                let ahead = ReadAhead(source: source, from: done + 1, until: target, chunkSize: chunkSize, fullChunksOnly: false,
                                      upcaster: upcaster, registry: registry)
                defer { ahead.stop() }
                while let chunk = try ahead.next(), !chunk.stored.isEmpty {
                    let reached = try commit(chunk)
                    progress(reached, target)
                    done = max(done, reached)
                    // Short of the chunk: what follows is read again from where the store is.
                    if reached < chunk.lastPosition { break }
                }
            }
            if done <= start { break }
        }
        return done
    }
}
