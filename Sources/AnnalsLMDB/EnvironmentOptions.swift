/// How an `Environment` is opened. The defaults suit a durable record store.
public struct EnvironmentOptions: Sendable {
    /// The map size to start with, in bytes. It grows on `MDB_MAP_FULL` up to `maxMapSize`.
    public var initialMapSize: Int = 64 << 20
    /// The largest the map may grow to, in bytes. Past it a write fails with `StoreAccessError.Kind.mapLimitReached`.
    public var maxMapSize: Int = 1 << 40
    /// How many named databases the environment may hold.
    public var maxDatabases: UInt32 = 64
    /// How many concurrent read transactions (across all processes) the lock file allows.
    public var maxReaders: UInt32 = 126
    /// Permission bits of the data and lock files LMDB creates (and, with the owner's execute
    /// bit added, of the directory).
    public var fileMode: UInt32 = 0o600
    /// Open without write access: no file or database is created, every write fails.
    public var readOnly: Bool = false
    /// Create the store directory when it is missing. When false, a missing directory is an error.
    public var createIfMissing: Bool = true
    /// Skip the fsync on commit. Only for throw-away stores (benchmarks of the floor, scratch
    /// copies): an acknowledged commit may then be lost on power failure.
    public var unsafeNoSync: Bool = false

    public init() {}
}
