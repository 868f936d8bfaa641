public import AnnalsCore
import AnnalsProjections
import Foundation

/// What `verify` found: the log's chain and indexes, and every projection against a fresh build.
public struct VerifyResult: Encodable, Sendable {
    public let ok: Bool
    /// Events whose hash chain and index entries were checked.
    public let events: UInt64
    /// The head hash the check reached.
    public let head: String
    /// The first thing found wrong, in words; nil when all agrees.
    public let problem: String?
    /// The position of a log problem, when there is one.
    public let position: UInt64?
    public let projections: Int
    /// What fixes the problem, when something does (each front words it; not in the JSON).
    public var remedy: Remedy? = nil

    private enum CodingKeys: String, CodingKey { case ok, events, head, problem, position }
}

/// What a rebuild did.
public struct RebuildResult: Encodable, Sendable {
    public let projections: [String]
    public let events: UInt64
    public let seconds: Double
}

/// The store's counts, size and each projection's state.
public struct StoreStats: Encodable, Sendable {
    public struct Projection: Encodable, Sendable {
        public let name: String
        public let position: UInt64
        /// Nil when the projection was never built for this log (written as null).
        public let version: UInt32?
        public let stale: Bool

        private enum CodingKeys: String, CodingKey { case name, position, version, stale }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(position, forKey: .position)
            try container.encode(version, forKey: .version)
            try container.encode(stale, forKey: .stale)
        }
    }

    public let store: String
    /// Nil while a projection is stale (the counts come from the records projection).
    public let articles: Int?
    public let diplomacyEvents: Int?
    /// Events.
    public let events: UInt64
    public let headHash: String
    public let fileBytes: Int
    public let mapBytes: Int
    public let usedBytes: Int
    public let projections: [Projection]
    /// The shared log's address, on a follower's store; left out otherwise.
    public let follows: String?

    private enum CodingKeys: String, CodingKey {
        case store, articles, diplomacyEvents, events, headHash, fileBytes, mapBytes, usedBytes, projections, follows
    }

    /// Unknown counts are written as null, not left out: readers rely on the keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(store, forKey: .store)
        try container.encode(articles, forKey: .articles)
        try container.encode(diplomacyEvents, forKey: .diplomacyEvents)
        try container.encode(events, forKey: .events)
        try container.encode(headHash, forKey: .headHash)
        try container.encode(fileBytes, forKey: .fileBytes)
        try container.encode(mapBytes, forKey: .mapBytes)
        try container.encode(usedBytes, forKey: .usedBytes)
        try container.encode(projections, forKey: .projections)
        try container.encodeIfPresent(follows, forKey: .follows)
    }
}

/// A backup or a restore: where, how many events, the head hash it verified.
public struct CopyResult: Encodable, Sendable {
    public let store: String
    public let events: UInt64
    public let head: String
}

extension AnnalsService {
    /// Checks the hash chain and every index, then every projection against a fresh build from the
    /// log (in a scratch directory: the store is not written). `ok` is false with the first problem.
    public func verify() throws -> VerifyResult {
        let report = try store.events.verify()
        let count = store.registry.names.count
        func failed(_ problem: String, at position: UInt64? = nil, remedy: Remedy? = nil) -> VerifyResult {
            VerifyResult(ok: false, events: report.eventsChecked, head: report.head.hashHex, problem: problem, position: position, projections: count,
                         remedy: remedy)
        }
        if let problem = report.problem { return failed("verification failed at \(problem)", at: problem.position) }
        if let stale = try store.projections.stale().first { return failed("verification failed: \(stale.problem)", remedy: stale.remedy) }
        let differing = try store.maintenance.verifyProjections()
        if !differing.isEmpty {
            let names = differing.map(\.rawValue).joined(separator: ", ")
            return failed("verification failed: the \(names) projection differs from a fresh rebuild", remedy: .rebuild(projection: nil))
        }
        return VerifyResult(ok: true, events: report.eventsChecked, head: report.head.hashHex, problem: nil, position: nil, projections: count)
    }

    /// Rebuilds `projections` (all when empty) beside the live ones and switches over; see
    /// `StoreMaintenance.rebuild` for the lock that keeps a second rebuild from interleaving.
    /// `projections` are names (`projectionNames`); an unknown one is refused, naming the known.
    public func rebuild(_ projections: [String] = [], wait: Bool = true, waiting: (() -> Void)? = nil,
                        progress: ((UInt64, UInt64) -> Void)? = nil) throws -> RebuildResult {
        let named = try projections.map { name in
            guard let projection = store.registry.name(name) else {
                throw ApplicationError("unknown projection \(name): use \(store.registry.names.map(\.rawValue).joined(separator: ", "))")
            }
            return projection
        }
        let chosen = named.isEmpty ? nil : Set(named)
        let report = try store.maintenance.rebuild(chosen, wait: wait, waiting: waiting, progress: progress)
        return RebuildResult(projections: report.projections.map(\.rawValue), events: report.events, seconds: report.seconds)
    }

    /// The names of the projections a store keeps, in the order they are applied.
    public static var projectionNames: [String] { ProjectionRegistry.standard.names.map(\.rawValue) }

    public func stats() throws -> StoreStats {
        let head = try store.events.head()
        let usage = try store.maintenance.usage()
        let status = try store.projections.status()
        let stale = status.contains(where: \.isStale)
        return StoreStats(store: path, articles: stale ? nil : try RecordsReader(store).count(.article), diplomacyEvents: stale ? nil : try RecordsReader(store).count(.diplomacyEvent),
                          events: head.position, headHash: head.hashHex, fileBytes: try store.maintenance.fileSize(),
                          mapBytes: usage.mapSize, usedBytes: usage.usedBytes,
                          projections: status.map { .init(name: $0.projection.rawValue, position: $0.position, version: $0.builtBy, stale: $0.isStale) },
                          follows: try store.replica.source())
    }

    /// Writes a compacted, consistent copy of the store into `directory` (new or empty) while
    /// writers keep running, then verifies the copy's log and records the head it copied in
    /// `annals-backup.json`. Every file is 0600. Works on a store opened read-only (read-only
    /// media). The copy is made in a hidden folder beside `directory` and moved into place once
    /// complete: a killed backup leaves nothing in `directory`, and the next backup removes
    /// what it left beside it.
    public func backup(to directory: String) throws -> CopyResult {
        var files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        // An older annals, killed between its two moves, could leave these alone in the target.
        if !files.isEmpty, Set(files).isSubset(of: [BackupHead.fileName, "data.mdb.partial"]) {
            for name in files { try? FileManager.default.removeItem(atPath: PathText.join(directory, name)) }
            files = []
        }
        guard files.isEmpty else { throw ApplicationError("\(directory) is not empty; back up into a new directory") }
        let staging = StagingFolder.make(kind: "backup", for: directory)
        defer { staging.remove() }
        try FileManager.default.createDirectory(atPath: staging.path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let result = try backupInto(staging.path)
        if FileManager.default.fileExists(atPath: directory) {
            // An empty directory the caller made: the head record first, the data file last.
            for name in [BackupHead.fileName, "data.mdb"] where FileManager.default.fileExists(atPath: PathText.join(staging.path, name)) {
                try FileManager.default.moveItem(atPath: PathText.join(staging.path, name), toPath: PathText.join(directory, name))
            }
        } else {
            try FileManager.default.moveItem(atPath: staging.path, toPath: directory)
        }
        return CopyResult(store: directory, events: result.events, head: result.head)
    }

    private func backupInto(_ directory: String) throws -> CopyResult {
        let (report, firstHash) = try store.maintenance.backup(to: directory)
        guard report.isValid else {
            throw ApplicationError("the copy does not verify: \(report.problem.map(String.init(describing:)) ?? "")", kind: .verificationFailed)
        }
        if let firstHash {
            let head = BackupHead(store: Checkpoint.storeID(firstHash: firstHash), position: report.head.position,
                                  hash: report.head.hashHex, copiedAt: Timestamp.now().description)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let path = PathText.join(directory, BackupHead.fileName)
            guard FileManager.default.createFile(atPath: path, contents: try encoder.encode(head), attributes: [.posixPermissions: 0o600]) else {
                throw ApplicationError("cannot write \(path)")
            }
        }
        return CopyResult(store: directory, events: report.head.position, head: report.head.hashHex)
    }

    /// Visits the log's events from `position` on, as stored or (`upcast`) in the current schema.
    public func forEachEntry(from position: UInt64, upcast: Bool, _ body: (RecordedEvent) throws -> Void) throws {
        try store.log.forEachEvent(from: position) { event in
            try body(upcast ? store.upcaster.upcast(event) : event)
            return true
        }
    }

    /// Creates a new store at `path` holding exactly the events `feed` gives (same positions, times
    /// and hashes, each checked as stored), builds its projections and verifies its log.
    ///
    /// The store is built in a hidden folder beside `path` and moved into place only once it
    /// verifies: a failed or killed restore never leaves a half-made store at `path`, so the same
    /// command can simply be run again (a killed one leaves a hidden `.annals-partial-…` beside it,
    /// which the next restore to the same path removes).
    public static func restoreLog(into path: String, feed: ((RecordedEvent) throws -> Void) throws -> Void) throws -> CopyResult {
        if storeExists(at: path) { throw ApplicationError("\(path) already holds a store; give a new directory") }
        var isFolder: ObjCBool = false
        let existed = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        if existed {
            guard isFolder.boolValue, (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true else {
                throw ApplicationError("\(path) is not an empty directory; restore into a new one")
            }
        }
        let folder = StagingFolder.make(kind: "restore", for: path), staging = folder.path
        defer { folder.remove() }
        let report: VerificationReport
        do {
            let store = try StoreDirectory.restoreLog(into: staging, events: feed)
            defer { store.close() }
            report = try store.events.verify()
        }
        guard report.isValid else {
            throw ApplicationError("the restored log does not verify: \(report.problem.map(String.init(describing:)) ?? "")", kind: .verificationFailed)
        }
        if existed {
            try StoreDirectory.moveFiles(from: staging, into: path)
        } else {
            try FileManager.default.moveItem(atPath: staging, toPath: path)
        }
        return CopyResult(store: URL(fileURLWithPath: path).resolvingSymlinksInPath().path, events: report.head.position, head: report.head.hashHex)
    }

    /// Replays the log up to `position` into a new store at `path` (the live store is untouched)
    /// and opens it.
    public func replay(until position: UInt64, into path: String) throws -> AnnalsService {
        let replayed = try StoreDirectory.restoreLog(into: path) { sink in
            try store.log.forEachEvent { event in
                guard event.position <= position else { return false }
                try sink(event)
                return true
            }
        }
        return try AnnalsService(opened: replayed)
    }
}
