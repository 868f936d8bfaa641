public import AnnalsCore
import AnnalsLMDB
import Foundation

extension StoreDirectory {
    /// Creates a new store at `path` holding exactly `events` (same positions, ids, times and
    /// hashes, checked one by one as they are stored) and builds its projections. The path must
    /// not hold a store yet. `events` is called with a sink and feeds it in order, so any number
    /// of events passes through bounded memory. Returns the new store, open. When it fails, what it
    /// created is removed (the directory, or the store files in a directory that was there), so the
    /// same command can be run again.
    public static func restoreLog(into path: String, chunkSize: Int = 4096,
                               events: ((RecordedEvent) throws -> Void) throws -> Void) throws -> ProjectedStore {
        let directoryExisted = FileManager.default.fileExists(atPath: path)
        let store = try ProjectedStore(path: path, create: true)
        guard try store.events.head().position == 0 else {
            store.environment.close()
            throw EventLogError.invalidInput(field: "target store", value: path, fix: "restore into a new, empty store directory")
        }
        func removeCreated() {
            store.environment.close()
            StoreDirectory.removeCreated(at: store.path, directoryExisted: directoryExisted)
        }
        var pending: [RecordedEvent] = []
        func flush() throws {
            guard !pending.isEmpty else { return }
            let batch = pending
            try store.environment.write { txn in try store.log.restore(batch, in: txn) }
            pending.removeAll(keepingCapacity: true)
        }
        do {
            try events { event in
                pending.append(event)
                if pending.count >= chunkSize { try flush() }
            }
            try flush()
            try store.maintenance.rebuild(chunkSize: chunkSize)
            if let problem = try store.log.verify().problem {
                throw EventLogError.invalidInput(field: "restored log", value: "\(problem)", fix: "the events given do not form a valid log; nothing was kept")
            }
        } catch {
            removeCreated()
            throw error
        }
        return store
    }
}
