#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory lock that one process at a time holds on a store, beside LMDB's own locks: for
/// work that spans many write transactions and must not interleave with the same work elsewhere
/// (a rebuild filling the idle generation, a migration). Readers and ordinary writers ignore it.
///
/// It is `flock(2)` on the store's data file, which LMDB itself never locks (LMDB uses POSIX
/// record locks on `lock.mdb`), so no file is created and a read-only store can be locked too.
/// The kernel drops it when its holder exits, however it exits: a killed rebuild leaves no stale lock.
public final class MaintenanceLock {
    private var descriptor: Int32

    init(path: String, wait: Bool) throws {
        descriptor = open(path + "/" + Environment.dataFileName, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StoreAccessError(.fileSystem, path: path, detail: "cannot open the data file to lock it: \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(descriptor)
            descriptor = -1
            if code == EWOULDBLOCK { throw StoreAccessError(.busy, path: path, detail: "another process holds this store's maintenance lock") }
            throw StoreAccessError(.fileSystem, path: path, detail: "cannot lock the data file: \(String(cString: strerror(code)))")
        }
    }

    /// Releases the lock now rather than when the lock is deinitialised.
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)  // closing the only descriptor releases the flock
        descriptor = -1
    }

    deinit { release() }
}

extension Environment {
    /// Takes the store's maintenance lock: waits for it when `wait`, else throws
    /// `StoreAccessError` of kind `.busy` at once when another process holds it.
    public func maintenanceLock(wait: Bool) throws -> MaintenanceLock {
        try ensureOpen()
        return try MaintenanceLock(path: path, wait: wait)
    }
}
