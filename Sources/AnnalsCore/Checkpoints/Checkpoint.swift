import Crypto
public import Foundation

/// A signed statement of a log's head: "store S had, at position N, the event whose chained hash
/// is H", signed with Ed25519 by a key kept outside the store.
///
/// The hash chain makes every event depend on all before it, so a log that still holds the
/// checkpointed head at its position holds exactly the history the checkpoint saw. Whoever can
/// write the store's files can recompute the chain, but cannot sign a new checkpoint without the
/// key: `verify(against:)` then finds the rewrite, the truncation or the rollback. Events after
/// the newest checkpoint are not covered until the next one.
public struct Checkpoint: Codable, Sendable, Equatable {
    /// The statement format.
    public var annalsCheckpoint: Int = 1
    /// The store's id: the first 16 bytes of event 1's hash, in hex (the same for a restored copy).
    public var store: String
    public var position: UInt64
    /// The chained hash of the event at `position`, in hex.
    public var hash: String
    /// When the event at `position` was recorded.
    public var recordedAt: String
    /// When the statement was signed.
    public var signedAt: String
    /// The signer's Ed25519 public key, base64 (raw 32 bytes).
    public var publicKey: String
    /// The Ed25519 signature of `signedText`, base64.
    public var signature: String

    /// The exact bytes signed: every field but the signature, one per line, in a fixed order.
    public var signedText: String {
        "annals-checkpoint\n\(annalsCheckpoint)\n\(store)\n\(position)\n\(hash)\n\(recordedAt)\n\(signedAt)\n\(publicKey)\n"
    }

    /// The store id of a log whose first event has `firstHash`.
    public static func storeID(firstHash: [UInt8]) -> String { Array(firstHash.prefix(16)).hexString }

    /// Signs a statement of `head` (which must not be empty) of the store whose first event hash is `firstHash`.
    public static func sign(head: LogHead, firstHash: [UInt8], key: CheckpointKey, at time: Timestamp = .now()) throws -> Checkpoint {
        guard head.position > 0 else {
            throw EventLogError.invalidInput(field: "store", value: "empty", fix: "an empty log has nothing to checkpoint; write something first")
        }
        var checkpoint = Checkpoint(store: storeID(firstHash: firstHash), position: head.position, hash: head.hashHex,
                                    recordedAt: head.lastRecordedAt?.description ?? "", signedAt: time.description,
                                    publicKey: key.publicKeyText, signature: "")
        checkpoint.signature = try key.sign(Array(checkpoint.signedText.utf8)).base64EncodedString()
        return checkpoint
    }

    /// The statement as one line of JSON, keys sorted (what `annals checkpoint` prints).
    public func line() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads every checkpoint in `text` (one JSON statement per non-empty line), naming `file`
    /// and the line of one that cannot be read.
    public static func read(_ text: String, file: String) throws -> [Checkpoint] {
        var result: [Checkpoint] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.contains(where: { !$0.isWhitespace }) {
            do { result.append(try JSONDecoder().decode(Checkpoint.self, from: Data(line.utf8))) } catch {
                throw EventLogError.invalidInput(field: "checkpoint", value: "\(file) line \(index + 1)",
                                                 fix: "give a file written by annals checkpoint (one statement per line)")
            }
        }
        guard !result.isEmpty else {
            throw EventLogError.invalidInput(field: "checkpoint", value: file, fix: "the file holds no checkpoint; give one written by annals checkpoint")
        }
        return result
    }

    /// Whether the signature is this statement's, made by the key it names.
    public var signatureIsValid: Bool {
        guard let keyBytes = Data(base64Encoded: publicKey), let signatureBytes = Data(base64Encoded: signature),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes) else { return false }
        return key.isValidSignature(signatureBytes, for: Data(signedText.utf8))
    }
}

/// What checking one checkpoint against a log found.
public enum CheckpointFinding: Sendable, Equatable {
    /// The log holds the checkpointed head: nothing before it changed.
    case matches
    /// The statement's signature does not verify (the file was altered).
    case badSignature
    /// Signed by a key other than the trusted one.
    case untrustedKey(String)
    /// A checkpoint of another store.
    case otherStore(String)
    /// The log ends before the checkpointed position: truncated or rolled back.
    case logEndsBefore(head: UInt64)
    /// The event at the position is not the checkpointed one: history was rewritten.
    case rewritten(found: String)

    public var isMatch: Bool { self == .matches }
}

extension Checkpoint {
    /// Checks this checkpoint against `log`: signed by `trustedKey`, of this store, and its head
    /// still in the log at its position.
    public func check(against log: any EventLog, trustedKey: String) throws -> CheckpointFinding {
        guard signatureIsValid else { return .badSignature }
        guard publicKey == trustedKey else { return .untrustedKey(publicKey) }
        let head = try log.head()
        if let first = try log.event(at: 1), Self.storeID(firstHash: first.hash) != store {
            return .otherStore(Self.storeID(firstHash: first.hash))
        }
        guard position <= head.position, let event = try log.event(at: position) else { return .logEndsBefore(head: head.position) }
        guard event.hash.hexString == hash else { return .rewritten(found: event.hash.hexString) }
        return .matches
    }
}
