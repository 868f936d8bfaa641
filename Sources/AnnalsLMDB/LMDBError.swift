import CLMDB

/// A failed LMDB call: the C return code and the name of the `mdb_*` function that returned it.
///
/// Codes are a struct with static constants rather than an enum, so callers can match the ones they
/// care about (`catch let error as LMDBError where error.code == .mapFull`) and new codes break nobody.
public struct LMDBError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An LMDB or errno return code.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let keyExists = Code(rawValue: MDB_KEYEXIST)
        public static let notFound = Code(rawValue: MDB_NOTFOUND)
        public static let pageNotFound = Code(rawValue: MDB_PAGE_NOTFOUND)
        public static let corrupted = Code(rawValue: MDB_CORRUPTED)
        public static let panic = Code(rawValue: MDB_PANIC)
        public static let versionMismatch = Code(rawValue: MDB_VERSION_MISMATCH)
        public static let invalid = Code(rawValue: MDB_INVALID)
        public static let mapFull = Code(rawValue: MDB_MAP_FULL)
        public static let databasesFull = Code(rawValue: MDB_DBS_FULL)
        public static let readersFull = Code(rawValue: MDB_READERS_FULL)
        public static let transactionFull = Code(rawValue: MDB_TXN_FULL)
        public static let cursorFull = Code(rawValue: MDB_CURSOR_FULL)
        public static let pageFull = Code(rawValue: MDB_PAGE_FULL)
        public static let mapResized = Code(rawValue: MDB_MAP_RESIZED)
        public static let incompatible = Code(rawValue: MDB_INCOMPATIBLE)
        public static let badReaderSlot = Code(rawValue: MDB_BAD_RSLOT)
        public static let badTransaction = Code(rawValue: MDB_BAD_TXN)
        public static let badValueSize = Code(rawValue: MDB_BAD_VALSIZE)
        public static let badDatabase = Code(rawValue: MDB_BAD_DBI)
    }

    /// The return code.
    public let code: Code
    /// The `mdb_*` function that failed, for example `mdb_put`.
    public let function: String
    /// Extra context added by this module (the database name, the map limit, …), or empty.
    public let detail: String

    public init(code: Code, function: String, detail: String = "") {
        self.code = code
        self.function = function
        self.detail = detail
    }

    public var description: String {
        let text = String(cString: mdb_strerror(code.rawValue))
        let suffix = detail.isEmpty ? "" : " (\(detail))"
        return "\(function) failed: \(text) [code \(code.rawValue)]\(suffix)"
    }
}

/// Errors this module raises itself, outside any LMDB return code.
public struct StoreAccessError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The store directory does not exist and creation was not requested.
        case missing
        /// The path exists but is not a directory.
        case notADirectory
        /// The same store is already open in this process (LMDB forbids a second open).
        case alreadyOpenInProcess
        /// A write was attempted through an environment opened read-only.
        case readOnly
        /// A transaction was started inside a write transaction's closure.
        case nestedTransaction
        /// The map reached `EnvironmentOptions.maxMapSize`.
        case mapLimitReached
        /// A transaction object was used after its closure returned.
        case transactionFinished
        /// Creating the directory or resolving its path failed (errno in `detail`).
        case fileSystem
        /// Another process holds the store's maintenance lock.
        case busy
        /// The directory is not an Annals store (no data file, an empty one, a file that is not
        /// LMDB's, or files that are links); nothing in it was touched.
        case notAStore
        /// The data file is cut short or otherwise unreadable: restore it from a backup.
        case damaged
        /// The device holding the store is full (or the write failed for lack of space).
        case noSpace
        /// The files cannot be opened with the permissions this process has.
        case permissionDenied
    }

    /// What fixes it, named as an action; the fronts word it for their users.
    public enum Fix: Sendable, Equatable {
        /// No store at the path: create one there, or give another path.
        case createStore
        /// The folder holds no store: give a store's folder, or create one in an empty folder.
        case chooseStore
        /// A creation or copy was cut short: remove the folder and create the store again.
        case recreateStore
        /// The data file is damaged: restore a backup.
        case restoreBackup
        /// The media is read-only: writes need a writable copy.
        case writableCopy
    }

    public let kind: Kind
    public let path: String
    /// What is wrong, naming the file and the values found; no command.
    public let detail: String
    public let fix: Fix?

    public init(_ kind: Kind, path: String, detail: String, fix: Fix? = nil) {
        self.kind = kind
        self.path = path
        self.detail = detail
        self.fix = fix
    }

    public var description: String { "\(path): \(detail)" }
}

/// Turns a C return code into a thrown `LMDBError`, tagged with the function's name.
@inline(__always)
func check(_ rc: Int32, _ function: StaticString, detail: @autoclosure () -> String = "") throws(LMDBError) {
    if rc != 0 {
        throw LMDBError(code: .init(rawValue: rc), function: "\(function)", detail: detail())
    }
}
