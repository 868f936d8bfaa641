#if canImport(Glibc)
import Glibc
#endif

/// True when key `a` sorts before key `b` in LMDB's default order: bytes compared as unsigned
/// numbers, a proper prefix first. The same answer as `lexicographicallyPrecedes`, by `memcmp`,
/// for code that sorts many keys before writing them in order.
public func keyPrecedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    let common = min(a.count, b.count)
    let order = a.withUnsafeBufferPointer { x in
        b.withUnsafeBufferPointer { y in common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common) }
    }
    return order != 0 ? order < 0 : a.count < b.count
}
