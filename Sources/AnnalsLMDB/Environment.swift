import CLMDB
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open LMDB environment: one store directory holding named databases.
///
/// Guarantees:
/// - Transactions exist only inside `read` and `write` closures: a write commits (with a synced
///   commit unless `unsafeNoSync`) when its closure returns normally and aborts when it throws or
///   when any LMDB call inside it failed, even if the closure caught that failure; inside a
///   `savepoint`, a failed call fails the savepoint only, unless it harms the whole transaction.
/// - When a write runs out of map space the transaction is aborted, the map grows (doubling, up to
///   `EnvironmentOptions.maxMapSize`) and the whole closure runs again. Write closures must
///   therefore be safe to re-run: they should compute everything they write inside the closure.
/// - When another process grew the map, the next transaction adopts the new size.
/// - A store path is open at most once per process (LMDB's locks break otherwise).
///
/// Not `Sendable`: use an environment from one thread at a time, with one exception: read
/// transactions may run on other threads while one thread writes (the projection engine reads the
/// log ahead on a second core). The map is only ever resized while no transaction of this process
/// is open: every transaction holds `remapLock` shared, a resize holds it exclusively.
public final class Environment {
    /// The canonical path of the store directory.
    public let path: String
    public let options: EnvironmentOptions
    let handle: OpaquePointer
    private var databases: [String: Database] = [:]
    private var inWrite = false
    /// The data file's size as last seen by `coverCommittedPages`.
    private var fileBytesCovered = 0
    /// The running write transaction and the thread running it: reads and writes that thread starts
    /// inside it join it (and see its changes) instead of opening a snapshot without them.
    /// (Set and cleared by the writing thread; other threads only compare the thread id.)
    private var current: WriteTransaction?
    private let writerThread = Atomic<UInt>(0)
    private var closed = false
    private let remapLock = RemapLock()
    /// True when a read-only open reads without LMDB's reader table: `lock.mdb` was missing (a read
    /// creates nothing) or not writable (another user's store, read-only media). A writer starting
    /// meanwhile could then change pages under a long read. Callers may want to say so.
    public private(set) var openedWithoutLock = false

    private static let openPaths = Mutex<Set<String>>([])

    /// The free space a new store's files need at least (lock file, meta pages, first commits).
    static let spaceToCreate = 1 << 20

    /// The file in the store directory that holds LMDB's data (beside `lock.mdb`).
    public static let dataFileName = "data.mdb"
    /// LMDB's lock file (its reader table), beside the data file.
    public static let lockFileName = "lock.mdb"
    /// Every file LMDB keeps in a store directory.
    public static let fileNames = [dataFileName, lockFileName]

    /// The size of the data file in bytes (what the store takes on disk; LMDB never shrinks it).
    public func fileSize() throws -> Int {
        try ensureOpen()
        var info = stat()
        guard stat(path + "/" + Self.dataFileName, &info) == 0 else {
            throw StoreAccessError(.fileSystem, path: path, detail: "cannot read the data file's size: \(String(cString: strerror(errno)))")
        }
        return Int(info.st_size)
    }

    /// Opens (or creates, when `options.createIfMissing`) the store directory at `path`.
    public init(path: String, options: EnvironmentOptions = EnvironmentOptions()) throws {
        self.options = options
        var info = stat()
        if stat(path, &info) != 0 {
            guard options.createIfMissing, !options.readOnly else {
                throw StoreAccessError(.missing, path: path, detail: "no store at this path", fix: .createStore)
            }
            if mkdir(path, mode_t(options.fileMode | 0o100)) != 0 && errno != EEXIST {
                throw StoreAccessError(.fileSystem, path: path, detail: "cannot create the store directory: \(String(cString: strerror(errno)))")
            }
        } else if (info.st_mode & S_IFMT) != S_IFDIR {
            throw StoreAccessError(.notADirectory, path: path, detail: "not a directory; a store is a directory holding data.mdb and lock.mdb")
        }
        guard let resolved = realpath(path, nil) else {
            throw StoreAccessError(.fileSystem, path: path, detail: "cannot resolve the path: \(String(cString: strerror(errno)))")
        }
        let canonical = String(cString: resolved)
        free(resolved)
        self.path = canonical

        // Before LMDB maps anything: refuse links, foreign or truncated files (SIGBUS otherwise).
        let header = try DataFileCheck.inspect(directory: canonical, mayCreate: options.createIfMissing && !options.readOnly)
        if !options.readOnly && (header == nil || access(canonical + "/lock.mdb", F_OK) != 0) {
            // LMDB maps a new lock file and writes through the map: on a full disk that is SIGBUS, not an error.
            var fs = statvfs()
            if statvfs(canonical, &fs) == 0, Int(fs.f_bavail) * Int(fs.f_frsize) < Self.spaceToCreate {
                throw StoreAccessError(.noSpace, path: canonical,
                                       detail: "no space left on the device holding the store: creating it needs \(Self.spaceToCreate) bytes, \(Int(fs.f_bavail) * Int(fs.f_frsize)) are free; free some space and retry")
            }
        }

        let inserted = Self.openPaths.withLock { $0.insert(canonical).inserted }
        guard inserted else {
            throw StoreAccessError(.alreadyOpenInProcess, path: canonical, detail: "this store is already open in this process; reuse that environment")
        }
        do {
            var flags = UInt32(MDB_NOTLS)
            if options.readOnly { flags |= UInt32(MDB_RDONLY) }
            if options.unsafeNoSync { flags |= UInt32(MDB_NOSYNC) }
            // A read never creates anything, not even LMDB's lock file: without one, no process has
            // the store open, and this read does without it.
            let lockless = options.readOnly && access(canonical + "/lock.mdb", F_OK) != 0
            var opened = Self.openHandle(canonical, flags: flags | (lockless ? UInt32(MDB_NOLOCK) : 0), options: options)
            if lockless, case .success = opened { openedWithoutLock = true }
            if options.readOnly, case .failure(let code) = opened, code.rc == EACCES || code.rc == EROFS {
                // A reader without write access to lock.mdb (another user's store, read-only
                // media): read without LMDB's reader table. Nothing can be written this way.
                opened = Self.openHandle(canonical, flags: flags | UInt32(MDB_NOLOCK), options: options)
                if case .success = opened { openedWithoutLock = true }
            }
            switch opened {
            case .success(let handle): self.handle = handle
            case .failure(let code):
                try Self.checkFileAccess(code.rc, "mdb_env_open", path: canonical, readOnly: options.readOnly)
                throw LMDBError(code: .init(rawValue: code.rc), function: "mdb_env_open", detail: canonical)
            }
        } catch {
            _ = Self.openPaths.withLock { $0.remove(canonical) }
            throw error
        }
    }

    /// Creates an LMDB handle and opens `path` with it, or returns the failing code (the handle
    /// then closed).
    private static func openHandle(_ path: String, flags: UInt32, options: EnvironmentOptions) -> Result<OpaquePointer, RawCode> {
        var created: OpaquePointer?
        var rc = mdb_env_create(&created)
        guard rc == 0, let env = created else { return .failure(RawCode(rc == 0 ? MDB_INVALID : rc)) }
        rc = mdb_env_set_maxdbs(env, MDB_dbi(options.maxDatabases))
        if rc == 0 { rc = mdb_env_set_maxreaders(env, options.maxReaders) }
        if rc == 0 { rc = mdb_env_set_mapsize(env, options.initialMapSize) }
        if rc == 0 { rc = mdb_env_open(env, path, flags, mdb_mode_t(options.fileMode)) }
        guard rc == 0 else {
            mdb_env_close(env)
            return .failure(RawCode(rc))
        }
        return .success(env)
    }

    deinit { close() }

    /// Closes the environment. Any later use throws. Called by `deinit` when not called before.
    public func close() {
        guard !closed else { return }
        closed = true
        mdb_env_close(handle)
        _ = Self.openPaths.withLock { $0.remove(path) }
    }

    /// Returns the named database, opening it once and caching its handle for the environment's life.
    ///
    /// With `create`, a missing database is created (in its own committed write transaction).
    /// Without it, a missing database throws `LMDBError` with code `.notFound`.
    /// `layout` is fixed when the database is created; opening it with another layout throws
    /// `LMDBError` with code `.incompatible`.
    /// Must not be called inside a transaction closure.
    public func database(_ name: String, create: Bool = true, layout: DatabaseLayout = []) throws -> Database {
        if let cached = databases[name] { return cached }
        guard !inWrite else {
            throw StoreAccessError(.nestedTransaction, path: path, detail: "database '\(name)' must be opened before the write transaction starts")
        }
        let writable = create && !options.readOnly
        var dbi = MDB_dbi(0)
        try withRawTransaction(readOnly: !writable) { txn in
            try check(mdb_dbi_open(txn, name, (writable ? UInt32(MDB_CREATE) : 0) | layout.rawValue, &dbi), "mdb_dbi_open", detail: "database '\(name)'")
            // LMDB keeps the layout a database was created with and would silently use it.
            var stored: UInt32 = 0
            try check(mdb_dbi_flags(txn, dbi, &stored), "mdb_dbi_flags", detail: "database '\(name)'")
            let relevant = DatabaseLayout.sortedSet.rawValue | DatabaseLayout.fixedSizeValues.rawValue
            guard stored & relevant == layout.rawValue else {
                throw LMDBError(code: .incompatible, function: "mdb_dbi_open",
                                detail: "database '\(name)' was created with another layout (flags \(stored & relevant), asked \(layout.rawValue))")
            }
        }
        let database = Database(name: name, handle: dbi)
        databases[name] = database
        return database
    }

    /// The keys of LMDB's unnamed main database: the names of the named databases, plus whatever
    /// another program stored there. For telling an Annals store from another program's LMDB.
    public func mainDatabaseKeys() throws -> [String] {
        try read { txn in
            var dbi = MDB_dbi(0)
            try check(mdb_dbi_open(txn.handle, nil, 0, &dbi), "mdb_dbi_open", detail: "main database")
            var keys: [String] = []
            try txn.scan(Database(name: "", handle: dbi)) { entry in
                keys.append(String(decoding: entry.key, as: UTF8.self))
                return keys.count < 1000
            }
            return keys
        }
    }

    /// Runs `body` in a read-only transaction that sees one consistent snapshot.
    /// Values read are copied out, so nothing refers to the map after the closure returns.
    ///
    /// Called from inside a write closure on the writing thread, it runs `body` in that write
    /// transaction instead, so the read sees what the write has done so far.
    public func read<R>(_ body: (Transaction) throws -> R) throws -> R {
        try ensureOpen()
        if let joined = joinableWrite() { return try body(joined) }
        remapLock.lockShared()
        defer { remapLock.unlock() }
        var txn: OpaquePointer?
        try beginTransaction(flags: UInt32(MDB_RDONLY), into: &txn)
        guard let txn else { throw LMDBError(code: .badTransaction, function: "mdb_txn_begin") }
        let transaction = Transaction(handle: txn, environment: self)
        defer {
            transaction.finish()
            mdb_txn_abort(txn)
        }
        return try body(transaction)
    }

    /// Runs `body` with LMDB's `MDB_NOMETASYNC` set on this environment handle: each commit syncs
    /// its data pages but not the meta page, which the next synced commit carries to disk. A crash
    /// may then undo the last commits made in `body`, never corrupt the store. For long runs of
    /// commits whose loss is harmless (a rebuild's shadow generation); the flag is cleared on the
    /// way out, so the commit that follows is fully durable again. Other processes are unaffected.
    public func withDeferredMetaSync<R>(_ body: () throws -> R) throws -> R {
        try ensureOpen()
        guard !options.unsafeNoSync else { return try body() }
        try check(mdb_env_set_flags(handle, UInt32(MDB_NOMETASYNC), 1), "mdb_env_set_flags")
        defer { mdb_env_set_flags(handle, UInt32(MDB_NOMETASYNC), 0) }
        return try body()
    }

    /// Runs `body` in the write transaction (one at a time across all processes) and commits it.
    ///
    /// Commit happens only when `body` returns normally and no LMDB call inside it failed (outside
    /// a savepoint, or one that harms the whole transaction: see `savepoint`).
    /// On `MDB_MAP_FULL` the map grows and `body` runs again from the start.
    ///
    /// Called from inside another write closure on the same thread, `body` joins that transaction:
    /// it commits or aborts with it, and a map growth re-runs the outer closure. That is how several
    /// writes become one atomic commit (an import writes all of its records or none).
    public func write<R>(_ body: (WriteTransaction) throws -> R) throws -> R {
        try ensureOpen()
        guard !options.readOnly else {
            throw StoreAccessError(.readOnly, path: path, detail: "the store was opened read-only")
        }
        if let joined = joinableWrite() { return try body(joined) }
        guard !inWrite else {
            throw StoreAccessError(.nestedTransaction, path: path, detail: "a write transaction is already running in this process")
        }
        inWrite = true
        defer { inWrite = false }
        while true {
            remapLock.lockShared()
            var locked = true
            defer { if locked { remapLock.unlock() } }
            var txn: OpaquePointer?
            try beginTransaction(flags: 0, into: &txn)
            guard let txn else { throw LMDBError(code: .badTransaction, function: "mdb_txn_begin") }
            let transaction = WriteTransaction(handle: txn, environment: self)
            current = transaction
            writerThread.store(Self.threadID(), ordering: .releasing)
            let result: R
            do {
                defer {
                    writerThread.store(0, ordering: .releasing)
                    current = nil
                }
                result = try body(transaction)
            } catch {
                transaction.finish()
                mdb_txn_abort(txn)
                if transaction.firstFailure?.code == .mapFull {
                    remapLock.unlock()
                    locked = false
                    try growMap()
                    continue
                }
                // The first failed LMDB call wins over an LMDB error the body threw later; an
                // error of the caller's own (one that says what a failed call means) is kept.
                throw error is LMDBError ? transaction.firstFailure ?? error : error
            }
            transaction.finish()
            if let failure = transaction.firstFailure {
                mdb_txn_abort(txn)
                if failure.code == .mapFull {
                    remapLock.unlock()
                    locked = false
                    try growMap()
                    continue
                }
                throw failure
            }
            let rc = mdb_txn_commit(txn)
            if rc == MDB_MAP_FULL {
                remapLock.unlock()
                locked = false
                try growMap()
                continue
            }
            try Self.checkFileAccess(rc, "mdb_txn_commit", path: path, readOnly: false, bytesWritten: transaction.bytesPut)
            coverCommittedPages()
            return result
        }
    }

    /// Runs `body` as a nested transaction inside the running write transaction (LMDB's child
    /// transaction): when `body` returns normally its writes join the outer transaction, and when it
    /// throws they are undone while the outer transaction and everything written before stay as
    /// they were. Reads and writes `body` makes on this thread join the nested transaction. Nothing
    /// is durable until the outer transaction commits. This is how several edits share one synced
    /// commit while each keeps its own checks and its own failure (group commit).
    ///
    /// Only inside a `write` closure, on its thread. A failure that harms the whole transaction
    /// (`harmsTransaction`) marks the outer one failed too: a full map then grows and `write` runs
    /// its whole closure again; other such failures abort it.
    public func savepoint<R>(_ body: (WriteTransaction) throws -> R) throws -> R {
        try ensureOpen()
        guard let parent = joinableWrite() else {
            throw StoreAccessError(.nestedTransaction, path: path, detail: "a savepoint runs only inside a write transaction, on its thread")
        }
        try parent.ensureLive()
        // After a failure the outer transaction will abort (and may run again): nothing joins it.
        if let failure = parent.firstFailure { throw failure }
        var txn: OpaquePointer?
        let begun = mdb_txn_begin(handle, parent.handle, 0, &txn)
        guard begun == 0, let txn else {
            let error = LMDBError(code: .init(rawValue: begun == 0 ? MDB_BAD_TXN : begun), function: "mdb_txn_begin", detail: "a savepoint")
            parent.adoptFailure(error)
            throw error
        }
        let child = WriteTransaction(handle: txn, environment: self)
        current = child
        defer { current = parent }
        /// Undoes the savepoint; a failure that harms the whole transaction fails the outer one too.
        func abandon() {
            mdb_txn_abort(txn)
            if let failure = child.firstFailure, Self.harmsTransaction(failure) { parent.adoptFailure(failure) }
        }
        let result: R
        do {
            result = try body(child)
        } catch {
            child.finish()
            abandon()
            throw error is LMDBError ? child.firstFailure ?? error : error
        }
        child.finish()
        if let failure = child.firstFailure {
            abandon()
            throw failure
        }
        let rc = mdb_txn_commit(txn)
        guard rc == 0 else {
            // A failed child commit leaves the parent in an unknown state: it is not committed.
            let error = LMDBError(code: .init(rawValue: rc), function: "mdb_txn_commit", detail: "a savepoint")
            parent.adoptFailure(error)
            throw error
        }
        parent.bytesPut += child.bytesPut
        return result
    }

    /// Whether a failure inside a savepoint leaves the whole write unable to go on: a full map or
    /// transaction, damage LMDB detected, or a system error (an errno such as EIO or ENOMEM). The
    /// others (a key that exists, a value too large) concern only the savepoint's own writes.
    static func harmsTransaction(_ failure: LMDBError) -> Bool {
        [.mapFull, .transactionFull, .pageFull, .corrupted, .pageNotFound, .panic, .badTransaction].contains(failure.code)
            || failure.code.rawValue > 0
    }

    /// Grows the data file to cover every page the last commit counts as used. LMDB never writes a
    /// page freed in the transaction that allocated it, so when such pages are the newest the file
    /// ends short of the last page its meta page counts: harmless to LMDB, which never reads them,
    /// but the same as a file cut short to the check that runs before the map (`DataFileCheck`).
    /// The extension is sparse; it takes no disk space. Called by the writing thread only.
    private func coverCommittedPages() {
        var info = MDB_envinfo(), st = MDB_stat()
        guard mdb_env_info(handle, &info) == 0, mdb_env_stat(handle, &st) == 0 else { return }
        let needed = (Int(info.me_last_pgno) + 1) * Int(st.ms_psize)
        guard needed > fileBytesCovered else { return }
        var descriptor: Int32 = -1
        var status = stat()
        guard mdb_env_get_fd(handle, &descriptor) == 0, fstat(descriptor, &status) == 0 else { return }
        if Int(status.st_size) < needed, ftruncate(descriptor, off_t(needed)) != 0 { return }
        fileBytesCovered = max(needed, Int(status.st_size))
    }

    /// The current size of the memory map in bytes and how much of it holds data.
    public func usage() throws -> MapUsage {
        try ensureOpen()
        var info = MDB_envinfo()
        var st = MDB_stat()
        try check(mdb_env_info(handle, &info), "mdb_env_info")
        try check(mdb_env_stat(handle, &st), "mdb_env_stat")
        let pageSize = Int(st.ms_psize)
        return MapUsage(mapSize: info.me_mapsize, pageSize: pageSize, usedBytes: (Int(info.me_last_pgno) + 1) * pageSize)
    }

    /// Writes a consistent copy of the environment into the existing directory `directory`, while
    /// writers may keep running. With `compact`, free pages are omitted.
    ///
    /// The copy is written to `data.mdb.partial` (mode 0600, whatever the umask), synced, and only
    /// then renamed to `data.mdb`: a copy that is killed or runs out of space never leaves a file
    /// that looks like a store.
    public func copy(to directory: String, compact: Bool = true) throws {
        remapLock.lockShared()
        defer { remapLock.unlock() }
        try ensureOpen()
        let partial = directory + "/" + Self.dataFileName + ".partial"
        let descriptor = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreAccessError(.fileSystem, path: directory, detail: "cannot create \(partial): \(String(cString: strerror(errno)))")
        }
        var finished = false
        defer {
            closeDescriptor(descriptor)
            if !finished { unlink(partial) }
        }
        fchmod(descriptor, 0o600)
        let rc = mdb_env_copyfd2(handle, descriptor, compact ? UInt32(MDB_CP_COMPACT) : 0)
        try Self.checkFileAccess(rc, "mdb_env_copyfd2", path: directory, readOnly: false, bytesWritten: (try? fileSize()) ?? 0)
        guard fsync(descriptor) == 0 else {
            try Self.checkFileAccess(errno, "fsync", path: directory, readOnly: false)
            throw StoreAccessError(.fileSystem, path: directory, detail: "cannot sync the copy: \(String(cString: strerror(errno)))")
        }
        guard rename(partial, directory + "/" + Self.dataFileName) == 0 else {
            throw StoreAccessError(.fileSystem, path: directory, detail: "cannot rename the finished copy: \(String(cString: strerror(errno)))")
        }
        finished = true
        let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            closeDescriptor(folder)
        }
    }

    // MARK: - Internals

    /// The running write transaction when the calling thread is the one running it.
    private func joinableWrite() -> WriteTransaction? {
        guard writerThread.load(ordering: .acquiring) == Self.threadID() else { return nil }
        return current
    }

    private static func threadID() -> UInt { UInt(pthread_self()) }

    /// Turns the errno codes of a failed open or commit into words: permissions, read-only media,
    /// a full disk (with the free space and what the write needed). Other codes stay `LMDBError`.
    static func checkFileAccess(_ rc: Int32, _ function: StaticString, path: String, readOnly: Bool, bytesWritten: Int = 0) throws {
        switch rc {
        case 0: return
        case EACCES, EPERM:
            throw StoreAccessError(.permissionDenied, path: path,
                                   detail: "permission denied opening the store's files\(readOnly ? "" : " for writing"); run as their owner, or ask for access")
        case EROFS:
            throw StoreAccessError(.readOnly, path: path, detail: "the store is on read-only media; reads work", fix: .writableCopy)
        case ENOSPC, EDQUOT, EIO, EFBIG:
            var fs = statvfs()
            let free = statvfs(path, &fs) == 0 ? Int(fs.f_bavail) * Int(fs.f_frsize) : -1
            // EIO from a commit is how some file systems report a write that found no space.
            if rc == EIO && (free < 0 || free > 16 << 20) { break }
            let needed = bytesWritten > 0 ? " this write needed at least \(bytesWritten) bytes more," : ""
            throw StoreAccessError(.noSpace, path: path,
                                   detail: "no space left on the device holding the store:\(needed) \(free >= 0 ? "\(free) bytes are free" : "free space unknown"); free some space and retry (nothing was written)")
        default: break
        }
        try check(rc, function, detail: path)
    }

    func ensureOpen() throws {
        if closed {
            throw StoreAccessError(.transactionFinished, path: path, detail: "the environment is closed")
        }
    }

    /// Begins a transaction; the caller holds `remapLock` shared. When another process grew the
    /// map, the new size is adopted with the lock held exclusively, then the shared hold is retaken.
    private func beginTransaction(flags: UInt32, into txn: inout OpaquePointer?) throws {
        var rc = mdb_txn_begin(handle, nil, flags, &txn)
        if rc == MDB_MAP_RESIZED {
            remapLock.unlock()
            remapLock.lockExclusive()
            let adopted = mdb_env_set_mapsize(handle, 0)
            remapLock.unlock()
            remapLock.lockShared()
            try check(adopted, "mdb_env_set_mapsize")
            rc = mdb_txn_begin(handle, nil, flags, &txn)
        }
        try check(rc, "mdb_txn_begin")
    }

    /// A short transaction for opening database handles; committed so handles outlive it.
    private func withRawTransaction(readOnly: Bool, _ body: (OpaquePointer) throws -> Void) throws {
        remapLock.lockShared()
        defer { remapLock.unlock() }
        var txn: OpaquePointer?
        try beginTransaction(flags: readOnly ? UInt32(MDB_RDONLY) : 0, into: &txn)
        guard let txn else { throw LMDBError(code: .badTransaction, function: "mdb_txn_begin") }
        do {
            try body(txn)
        } catch {
            mdb_txn_abort(txn)
            throw error
        }
        try check(mdb_txn_commit(txn), "mdb_txn_commit")
    }

    /// Doubles the map, up to `maxMapSize`, once no transaction of this process is open.
    private func growMap() throws {
        remapLock.lockExclusive()
        defer { remapLock.unlock() }
        let current = try usage().mapSize
        guard current < options.maxMapSize else {
            throw StoreAccessError(.mapLimitReached, path: path,
                                   detail: "the store is full at its maximum map size of \(options.maxMapSize) bytes; raise the maximum map size")
        }
        let next = min(current * 2, options.maxMapSize)
        try check(mdb_env_set_mapsize(handle, next), "mdb_env_set_mapsize", detail: "growing the map to \(next) bytes")
    }
}

/// A C return code, as the failure of a `Result`.
struct RawCode: Error, Equatable {
    let rc: Int32
    init(_ rc: Int32) { self.rc = rc }
}

/// How much of the memory map is in use.
public struct MapUsage: Sendable, Equatable {
    /// The size of the map in bytes (the most the data file may grow to without a resize).
    public let mapSize: Int
    /// LMDB's page size in bytes.
    public let pageSize: Int
    /// Bytes up to the last used page.
    public let usedBytes: Int
}

/// A readers-writer lock (`pthread_rwlock_t`, kept at a stable address): transactions hold it
/// shared, a map resize exclusively.
private final class RemapLock {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    func lockShared() { pthread_rwlock_rdlock(lock) }
    func lockExclusive() { pthread_rwlock_wrlock(lock) }
    func unlock() { pthread_rwlock_unlock(lock) }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }
}

/// `close(2)`, which `Environment.close()` hides inside the class.
private func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }
