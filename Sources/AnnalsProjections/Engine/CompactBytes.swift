/// The compact binary encoding projections store their values in: unsigned LEB128 varints,
/// zig-zag varints for signed numbers, and length-prefixed byte strings. One writer and one
/// reader, so every projection format is built from the same three pieces.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func unsigned(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func signed(_ value: Int64) {
        unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// `value`'s length, then its bytes.
    mutating func string(_ value: some Collection<UInt8>) {
        unsigned(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string($0) }
    }

    /// Bytes with no length before them: only as the last piece of a value.
    mutating func rest(_ value: some Collection<UInt8>) { bytes.append(contentsOf: value) }
}

/// Reads what `ByteWriter` wrote. Every read throws `Truncated` past the end or on an overlong
/// varint, so a damaged value is an error, never a crash.
struct ByteReader {
    struct Truncated: Error {}

    private let bytes: ArraySlice<UInt8>
    private var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var isAtEnd: Bool { index == bytes.endIndex }

    /// How many bytes have been read.
    var offset: Int { index - bytes.startIndex }

    mutating func unsigned() throws -> UInt64 {
        var value: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard index < bytes.endIndex, shift < 64 else { throw Truncated() }
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    mutating func signed() throws -> Int64 {
        let raw = try unsigned()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func bool() throws -> Bool {
        guard index < bytes.endIndex, bytes[index] <= 1 else { throw Truncated() }
        defer { index += 1 }
        return bytes[index] == 1
    }

    mutating func string() throws -> ArraySlice<UInt8> {
        let count = try unsigned()
        guard count <= UInt64(bytes.endIndex - index) else { throw Truncated() }
        defer { index += Int(count) }
        return bytes[index..<index + Int(count)]
    }

    mutating func text() throws -> String {
        String(decoding: try string(), as: UTF8.self)
    }

    /// Everything not read yet.
    mutating func rest() -> ArraySlice<UInt8> {
        defer { index = bytes.endIndex }
        return bytes[index...]
    }
}

/// The first `count` bytes of a stored value in hexadecimal, for the error that names a damaged one.
func hexPrefix(_ bytes: [UInt8], _ count: Int) -> String {
    bytes.prefix(count).map { String($0, radix: 16) }.joined(separator: " ")
}
