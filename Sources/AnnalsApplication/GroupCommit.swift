public import AnnalsCore
import AnnalsLMDB

/// Group commit: edits that arrive together share one durable commit.
extension AnnalsService {
    /// Runs `edits` in order as one synced commit. Each runs in a savepoint of one write
    /// transaction: it sees the edits before it, keeps its own checks (an expected version that is
    /// no longer current fails that edit alone, exactly as it would alone) and, when it fails,
    /// leaves nothing behind while the others stand. Every result is returned only after the
    /// commit is on disk; when the commit itself fails, every edit gets that error, since none is
    /// stored.
    ///
    /// On a follower, whose edits go to the shared log, each edit is its own write there, in order.
    public func commitTogether<T>(_ edits: [(AnnalsService) throws -> T]) -> [Result<T, any Error>] {
        guard follower == nil, edits.count > 1 else {
            return edits.map { edit in Result { try edit(self) } }
        }
        do {
            // Computed inside: a map that grows runs the whole transaction again.
            return try store.atomically {
                edits.map { edit in Result { try store.environment.savepoint { _ in try edit(self) } } }
            }
        } catch {
            return edits.map { _ in .failure(error) }
        }
    }
}
