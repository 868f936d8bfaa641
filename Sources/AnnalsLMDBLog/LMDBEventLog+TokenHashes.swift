public import AnnalsCore
public import AnnalsLMDB

/// A user's token hash as the store keeps it, outside the hash-chained log: the log records who
/// was granted what and when, never a secret or its hash.
public struct StoredTokenHash: Sendable, Equatable {
    /// The bcrypt hash of the token's secret part.
    public let hash: String
    /// The version of the user's stream this hash was known at: on a follower's cache, a newer
    /// stream version means the shared database may hold a newer hash.
    public let version: UInt64

    public init(hash: String, version: UInt64) {
        self.hash = hash
        self.version = version
    }
}

extension LMDBEventLog {
    private static func tokenHashKey(_ name: String) -> [UInt8] { Array("token-hash/".utf8) + Array(name.utf8) }
    private static let tokenHashPrefix = Array("token-hash/".utf8)

    /// The token hash kept for user `name`, or nil. Backups carry these; exports do not (they are
    /// not in the log).
    public func tokenHash(of name: String) throws -> StoredTokenHash? {
        try environment.read { txn in
            guard let bytes = try txn.get(meta, Self.tokenHashKey(name)), bytes.count >= 8, let version = decodeUInt64(bytes[0..<8]) else { return nil }
            return StoredTokenHash(hash: String(decoding: bytes[8...], as: UTF8.self), version: version)
        }
    }

    /// Keeps `entry` as user `name`'s token hash, replacing any other; joins the caller's write
    /// transaction when there is one (so a user event and its hash commit together).
    public func setTokenHash(_ entry: StoredTokenHash, of name: String) throws {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(entry.version)
        bytes += Array(entry.hash.utf8)
        try environment.write { txn in try txn.put(meta, Self.tokenHashKey(name), bytes) }
    }

    /// How many users' token hashes the store keeps.
    public func tokenHashCount() throws -> Int {
        try environment.read { txn in
            var count = 0
            try txn.scan(meta, from: Self.tokenHashPrefix) { entry in
                guard entry.key.starts(with: Self.tokenHashPrefix) else { return false }
                count += 1
                return true
            }
            return count
        }
    }
}
