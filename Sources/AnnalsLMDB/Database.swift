import CLMDB

/// A named database inside an `Environment`. Obtain one with `Environment.database(_:create:)`;
/// the handle stays valid for the environment's life.
public struct Database: Hashable, Sendable {
    /// The database's name in the environment.
    public let name: String
    let handle: MDB_dbi
}

/// One key and value read from a database, copied out of the map.
public struct Entry: Equatable, Sendable {
    public let key: [UInt8]
    public let value: [UInt8]

    public init(key: [UInt8], value: [UInt8]) {
        self.key = key
        self.value = value
    }
}

/// How `WriteTransaction.put` treats the key.
public struct PutOptions: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Fail with `.keyExists` instead of overwriting.
    public static let noOverwrite = PutOptions(rawValue: UInt32(MDB_NOOVERWRITE))
    /// The key sorts after every key in the database: LMDB appends without searching.
    /// A key out of order fails with `.keyExists`.
    public static let append = PutOptions(rawValue: UInt32(MDB_APPEND))
}

/// How a database stores its values, fixed when it is created.
public struct DatabaseLayout: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A key holds a sorted set of values (`MDB_DUPSORT`): putting a pair adds a value to the
    /// key's set, and iteration visits every (key, value) pair in order.
    public static let sortedSet = DatabaseLayout(rawValue: UInt32(MDB_DUPSORT))
    /// With `sortedSet`: every value has the same size, and LMDB packs a key's values densely
    /// (`MDB_DUPFIXED`), several hundred 8-byte values to a page.
    public static let fixedSizeValues = DatabaseLayout(rawValue: UInt32(MDB_DUPFIXED))
}
