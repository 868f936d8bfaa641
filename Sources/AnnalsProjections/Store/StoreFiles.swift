public import AnnalsCore
public import AnnalsLMDB
import AnnalsLMDBLog
import Foundation

/// A store's directory and its files, before or without opening it: whether one is there, and
/// undoing or completing what creating or restoring one left.
public enum StoreDirectory {
    /// Whether `path` holds a store (its LMDB data file).
    public static func exists(at path: String) -> Bool {
        FileManager.default.fileExists(atPath: PathText.join(path, Environment.dataFileName))
    }

    /// Removes what creating a store at `path` made: the directory when it did not exist before,
    /// else only LMDB's files in it. For a create or restore that failed, so running it again works.
    public static func removeCreated(at path: String, directoryExisted: Bool) {
        if directoryExisted {
            for name in Environment.fileNames { try? FileManager.default.removeItem(atPath: PathText.join(path, name)) }
        } else {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Moves a closed store's LMDB files from `staging` into the existing directory `path`, the
    /// data file last: until it arrives, `path` does not look like a store.
    public static func moveFiles(from staging: String, into path: String) throws {
        for name in Environment.fileNames.reversed() {
            try FileManager.default.moveItem(atPath: PathText.join(staging, name), toPath: PathText.join(path, name))
        }
    }
}

extension StoreMaintenance {
    /// The map's size and use.
    public func usage() throws -> MapUsage { try store.environment.usage() }

    /// The data file's size in bytes.
    public func fileSize() throws -> Int { try store.environment.fileSize() }

    /// Writes a compacted, consistent copy of the store into `directory` (which must exist and be
    /// empty) while writers keep running, and verifies the copy's log (opened read-only). Returns
    /// that verification and the copy's first event hash (its store id).
    public func backup(to directory: String) throws -> (report: VerificationReport, firstHash: [UInt8]?) {
        try store.environment.copy(to: directory, compact: true)
        let copy = try LMDBEventLog.openExisting(at: directory, readOnly: true)
        defer { copy.environment.close() }
        return (try copy.verify(), try copy.event(at: 1)?.hash)
    }
}
