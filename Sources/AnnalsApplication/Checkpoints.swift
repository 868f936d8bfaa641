public import AnnalsCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where checkpoint keys live and how they are read: a file of mode 0600 outside the store.
public enum KeyFiles {
    /// `$ANNALS_KEY`, else `$XDG_CONFIG_HOME/annals/checkpoint.key`, else `~/.config/annals/checkpoint.key`.
    public static func defaultPath() -> String {
        defaultPath(environment: ProcessInfo.processInfo.environment)
    }

    /// The same, read from `environment` (a caller running commands in its own process passes its own).
    public static func defaultPath(environment: [String: String]) -> String {
        if let path = environment["ANNALS_KEY"], !path.isEmpty { return path }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.config")
        return config + "/annals/checkpoint.key"
    }

    /// Creates a new key at `path` (mode 0600, its folder 0700 when created). Refuses to replace
    /// an existing file: a lost key cannot sign again, and a replaced one voids older checkpoints' trust.
    public static func create(at path: String) throws -> CheckpointKey {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ApplicationError("\(path) already exists; keep it (checkpoints are trusted by its public key), or give another --key")
        }
        try FileManager.default.createDirectory(atPath: PathText.parent(path), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = CheckpointKey.generate()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ApplicationError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(key.fileText.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            unlink(path)
            throw ApplicationError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return key
    }

    /// Reads the key at `path`; refuses one that others can read (a signing key must stay private).
    public static func load(from path: String) throws -> CheckpointKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ApplicationError("no checkpoint key at \(path); create one with annals key init (or give --key)")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw ApplicationError("\(path) can be read by other users; run chmod 600 \(path) (and make a new key if it may have leaked)")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw ApplicationError("cannot read \(path)") }
        return try CheckpointKey(fileText: String(decoding: data, as: UTF8.self), file: path)
    }
}

/// What `verify --against` found for one checkpoint.
public struct CheckpointReport: Encodable, Sendable {
    public let file: String
    public let position: UInt64
    public let signedAt: String
    public let matches: Bool
    /// Why it does not match, in words; nil when it matches.
    public let problem: String?
}

/// The head a backup copied, written beside its data file as `annals-backup.json`.
public struct BackupHead: Codable, Sendable, Equatable {
    public static let fileName = "annals-backup.json"
    public let store: String
    public let position: UInt64
    public let hash: String
    public let copiedAt: String
}

extension AnnalsService {
    /// A signed checkpoint of the log's head now.
    public func checkpoint(key: CheckpointKey) throws -> Checkpoint {
        try Self.checkpoint(of: store.log, key: key)
    }

    /// Checks each checkpoint against the log: signed by `trustedKey`, of this store, its head still
    /// at its position. A mismatch names the position and what was found there.
    public func check(_ checkpoints: [(file: String, checkpoint: Checkpoint)], trustedKey: String) throws -> [CheckpointReport] {
        try Self.check(checkpoints, against: store.log, trustedKey: trustedKey)
    }

    /// A signed statement of `log`'s head. A store and the shared log it follows have the same
    /// first event, so a checkpoint signed on either is checked the same way on both.
    static func checkpoint(of log: any EventLog, key: CheckpointKey) throws -> Checkpoint {
        let head = try log.head()
        guard let first = try log.event(at: 1) else {
            throw ApplicationError("the store is empty: there is no head to checkpoint yet")
        }
        return try Checkpoint.sign(head: head, firstHash: first.hash, key: key)
    }

    static func check(_ checkpoints: [(file: String, checkpoint: Checkpoint)], against log: any EventLog, trustedKey: String) throws -> [CheckpointReport] {
        try checkpoints.map { file, checkpoint in
            let finding = try checkpoint.check(against: log, trustedKey: trustedKey)
            let problem: String? = switch finding {
            case .matches: nil
            case .badSignature: "its signature does not verify: the checkpoint file was altered"
            case .untrustedKey(let key): "it was signed by another key (\(key.prefix(12))…), not the trusted one"
            case .otherStore(let id): "it is a checkpoint of store \(checkpoint.store), and this is store \(id)"
            case .logEndsBefore(let head):
                "the log ends at position \(head), before the checkpointed position \(checkpoint.position): it was truncated or rolled back"
            case .rewritten(let found):
                "the event at position \(checkpoint.position) has hash \(found.prefix(16))…, not the checkpointed \(checkpoint.hash.prefix(16))…: history up to it was rewritten"
            }
            return CheckpointReport(file: file, position: checkpoint.position, signedAt: checkpoint.signedAt, matches: problem == nil, problem: problem)
        }
    }

    /// The head a backup recorded, when the store is a backup made by `annals backup`.
    public func backupHead() throws -> BackupHead? {
        let path = PathText.join(self.path, BackupHead.fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do { return try JSONDecoder().decode(BackupHead.self, from: data) } catch {
            throw ApplicationError("\(path) is not a backup record written by annals backup; remove it or restore the backup again",
                                   kind: .verificationFailed)
        }
    }
}
