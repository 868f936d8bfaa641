/// Integers as big-endian bytes, the one encoding every key and fixed-size value of the store
/// uses: LMDB compares bytes, so big-endian order is numeric order.
extension Array where Element == UInt8 {
    package mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}

/// `value` as big-endian bytes.
package func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}

/// The unsigned number in big-endian `bytes` (at most 8 of them).
package func readBigEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    bytes.reduce(0) { $0 << 8 | UInt64($1) }
}

/// A big-endian 8-byte key, so LMDB's byte order is numeric order.
package func positionKey(_ position: UInt64) -> [UInt8] { bigEndian(position) }

/// The 8-byte big-endian number in `bytes`; nil when they are not 8.
package func decodeUInt64(_ bytes: ArraySlice<UInt8>) -> UInt64? {
    bytes.count == 8 ? readBigEndian(bytes) : nil
}
