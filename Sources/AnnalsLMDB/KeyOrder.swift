#if canImport(Glibc)
import Glibc
#endif

/// True when key `a` sorts before key `b` in LMDB's default order: bytes compared as unsigned
/// numbers, a proper prefix first. The same answer as `lexicographicallyPrecedes`, by `memcmp`,
/// for code that sorts many keys before writing them in order.
public func keyPrecedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in keyPrecedes(x, y) } }
}

/// `keyPrecedes` for bytes held elsewhere (a slice of a larger buffer, a string's UTF-8), compared in place.
public func keyPrecedes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    let common = min(a.count, b.count)
    let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
    return order != 0 ? order < 0 : a.count < b.count
}
