#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a data file's meta pages say, read with `pread` before LMDB maps the file.
///
/// LMDB maps `data.mdb` and reads pages through the map: a file cut short (a killed copy, a full
/// disk) would end the process with `SIGBUS` on the first page past its end. Checking the file's
/// size against what its newest meta page says it holds rules that out before the map exists.
struct DataFileHeader: Equatable {
    /// LMDB's page size for this file.
    let pageSize: Int
    /// The last page the newest committed transaction uses.
    let lastPage: UInt64
    /// The newest committed transaction.
    let transaction: UInt64

    /// The bytes the file must hold for every committed page to be readable.
    var bytesNeeded: Int { (Int(lastPage) + 1) * pageSize }
}

enum DataFileCheck {
    static let magic: UInt32 = 0xBEEF_C0DE
    static let dataVersion: UInt32 = 1
    /// Offsets inside a meta page (LMDB 0.9, 64-bit): page header 16 bytes, then the meta.
    static let magicOffset = 16, versionOffset = 20, pageSizeOffset = 40, lastPageOffset = 136, transactionOffset = 144
    static let metaPageFlag: UInt16 = 0x08

    /// Checks the store directory's files before LMDB opens them. Returns nil when there is no data
    /// file and `mayCreate` (a new store); otherwise the header of a file that is safe to map.
    /// Refuses, without touching anything: a missing data file (unless `mayCreate`), data or lock
    /// files that are symbolic links or not regular files, an empty or truncated data file, and one
    /// that is not LMDB's. An empty data file (a creation killed before its first write) is
    /// refused too, unless `mayCreate`: then it is created anew, as a missing one would be.
    static func inspect(directory: String, mayCreate: Bool) throws(StoreAccessError) -> DataFileHeader? {
        for name in ["lock.mdb", Environment.dataFileName] {
            var info = stat()
            let file = directory + "/" + name
            if lstat(file, &info) != 0 {
                if errno == ENOENT { continue }
                throw StoreAccessError(.fileSystem, path: directory, detail: "cannot read \(name): \(String(cString: strerror(errno)))")
            }
            if (info.st_mode & S_IFMT) == S_IFLNK {
                throw StoreAccessError(.notAStore, path: directory,
                                       detail: "\(name) is a symbolic link; a store's files must be regular files (copy the store instead of linking it)")
            }
            if (info.st_mode & S_IFMT) != S_IFREG {
                throw StoreAccessError(.notAStore, path: directory, detail: "\(name) is not a regular file; this is not an Annals store")
            }
        }
        let file = directory + "/" + Environment.dataFileName
        let descriptor = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT {
                if mayCreate { return nil }
                throw StoreAccessError(.notAStore, path: directory,
                                       detail: "not an Annals store: it holds no \(Environment.dataFileName)", fix: .chooseStore)
            }
            throw StoreAccessError(.fileSystem, path: directory, detail: "cannot open \(Environment.dataFileName): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw StoreAccessError(.fileSystem, path: directory, detail: "cannot read \(Environment.dataFileName)'s size: \(String(cString: strerror(errno)))")
        }
        let size = Int(info.st_size)
        // An empty data file holds nothing: a creation killed before LMDB wrote its first pages.
        // A command that creates stores (annals follow, resuming) creates it anew.
        if size == 0 && mayCreate { return nil }
        if size == 0 {
            throw StoreAccessError(.notAStore, path: directory,
                                   detail: "not an Annals store: \(Environment.dataFileName) is empty (an interrupted init or copy?)", fix: .recreateStore)
        }
        let first = try readMeta(descriptor, at: 0, directory: directory, fileSize: size)
        guard let first else {
            throw StoreAccessError(.notAStore, path: directory,
                                   detail: "not an Annals store: \(Environment.dataFileName) is not an LMDB data file (no LMDB meta page at its start); the folder was left untouched")
        }
        let second = size >= 2 * first.pageSize ? try readMeta(descriptor, at: first.pageSize, directory: directory, fileSize: size) : nil
        guard let second else {
            throw StoreAccessError(.damaged, path: directory,
                                   detail: "damaged store: \(Environment.dataFileName) is \(size) bytes, too short to hold LMDB's two meta pages", fix: .restoreBackup)
        }
        let newest = second.transaction > first.transaction ? second : first
        // The size is read again now: a writer in another process may have committed (pages
        // first, then the meta page) between the first read of the size and the meta pages, and
        // its pages are written by the time its meta page can be read.
        var now = stat()
        let sizeNow = fstat(descriptor, &now) == 0 ? Int(now.st_size) : size
        guard sizeNow >= newest.bytesNeeded else {
            throw StoreAccessError(.damaged, path: directory,
                                   detail: "damaged store: \(Environment.dataFileName) is \(sizeNow) bytes but its header says it holds \(newest.bytesNeeded) bytes (cut short by a killed copy or a full disk?)", fix: .restoreBackup)
        }
        return newest
    }

    /// The meta page at `offset`, or nil when it is not one (wrong magic or version).
    private static func readMeta(_ descriptor: Int32, at offset: Int, directory: String, fileSize: Int) throws(StoreAccessError) -> DataFileHeader? {
        var page = [UInt8](repeating: 0, count: 152)
        guard fileSize >= offset + page.count else { return nil }
        let read = page.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
        guard read == page.count else {
            throw StoreAccessError(.fileSystem, path: directory, detail: "cannot read \(Environment.dataFileName): \(String(cString: strerror(errno)))")
        }
        func little<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
            (0..<MemoryLayout<T>.size).reduce(T(0)) { $0 | T(page[at + $1]) << (8 * $1) }
        }
        guard little(10, UInt16.self) & metaPageFlag != 0,
              little(magicOffset, UInt32.self) == magic,
              little(versionOffset, UInt32.self) == dataVersion else { return nil }
        let pageSize = Int(little(pageSizeOffset, UInt32.self))
        // Meta page 1 repeats the page size; meta page 0 is the one that defines it.
        let definedPageSize = offset == 0 ? pageSize : offset
        guard definedPageSize >= 512, definedPageSize <= 65536, definedPageSize & (definedPageSize - 1) == 0 else { return nil }
        return DataFileHeader(pageSize: definedPageSize, lastPage: little(lastPageOffset, UInt64.self),
                              transaction: little(transactionOffset, UInt64.self))
    }
}
