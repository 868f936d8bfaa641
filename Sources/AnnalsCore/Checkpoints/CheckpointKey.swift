import Crypto
public import Foundation

/// The Ed25519 key that signs checkpoints, kept in a file outside the store (mode 0600).
///
/// File format: a first line `annals checkpoint key v1`, then `private-key: ` and the raw 32-byte
/// key in base64. The public key is derived from it.
public struct CheckpointKey: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    static let header = "annals checkpoint key v1"

    /// A new random key.
    public static func generate() -> CheckpointKey { CheckpointKey(key: .init()) }

    private init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    /// Reads a key file's text; throws naming the file when it is not one.
    public init(fileText text: String, file: String) throws {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.first == Self.header, let line = lines.first(where: { $0.hasPrefix("private-key:") }),
              let raw = Data(base64Encoded: line.dropFirst("private-key:".count).trimmingCharacters(in: .whitespaces)),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw EventLogError.invalidInput(field: "key file", value: file, fix: "it is not an Annals checkpoint key (no key header and private key); give the path of a checkpoint key file")
        }
        self.key = key
    }

    /// The key file's text.
    public var fileText: String { "\(Self.header)\nprivate-key: \(key.rawRepresentation.base64EncodedString())\n" }

    /// The public key, base64 of its raw 32 bytes: what checkpoints name and verifiers trust.
    public var publicKeyText: String { key.publicKey.rawRepresentation.base64EncodedString() }

    func sign(_ bytes: [UInt8]) throws -> Data { try key.signature(for: Data(bytes)) }
}
