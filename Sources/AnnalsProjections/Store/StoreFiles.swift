public import AnnalsCore
public import AnnalsLMDB
import AnnalsLMDBLog
import Foundation

extension ProjectedStore {
    /// Whether `path` holds a store (its LMDB data file).
    public static func exists(at path: String) -> Bool {
        FileManager.default.fileExists(atPath: PathText.join(path, Environment.dataFileName))
    }

    /// The map's size and use.
    public func usage() throws -> MapUsage { try environment.usage() }

    /// The data file's size in bytes.
    public func fileSize() throws -> Int { try environment.fileSize() }

    /// Writes a compacted, consistent copy of the store into `directory` (which must exist and be
    /// empty) while writers keep running, and verifies the copy's log (opened read-only). Returns
    /// that verification and the copy's first event hash (its store id).
    public func backup(to directory: String) throws -> (report: VerificationReport, firstHash: [UInt8]?) {
        try environment.copy(to: directory, compact: true)
        let copy = try LMDBEventLog.openExisting(at: directory, readOnly: true)
        defer { copy.environment.close() }
        return (try copy.verify(), try copy.event(at: 1)?.hash)
    }
}
