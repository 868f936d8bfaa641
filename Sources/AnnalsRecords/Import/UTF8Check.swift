import Foundation

/// Checks that an input file is UTF-8 before any of it is imported, in bounded memory.
///
/// Lines are validated whole (a newline byte never occurs inside a multi-byte character), so the
/// error names the line, the byte's column and, for JSON text, the field whose value holds it.
/// A file that fails is refused as a whole: its encoding is wrong, and repairing it with U+FFFD
/// would store text nobody wrote.
public enum UTF8Check {
    /// Throws `RecordError.invalidField` naming `file`, the line and the field for the first
    /// invalid byte sequence in the file at `path`; returns when all of it is UTF-8.
    public static func require(path: String, file: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        var carry: [UInt8] = []
        var line = 1
        while true {
            let chunk = handle.readData(ofLength: 1 << 16)
            let done = chunk.isEmpty
            carry.append(contentsOf: chunk)
            var start = 0
            while let newline = carry[start...].firstIndex(of: 0x0a) {
                try check(carry[start..<newline], line: line, file: file)
                line += 1
                start = newline + 1
            }
            carry.removeSubrange(0..<start)
            if done {
                try check(carry[...], line: line, file: file)
                return
            }
        }
    }

    /// Throws for the first invalid sequence of one line of text, read from `file`.
    public static func require(_ bytes: ArraySlice<UInt8>, line: Int, file: String) throws {
        try check(bytes, line: line, file: file)
    }

    private static func check(_ bytes: ArraySlice<UInt8>, line: Int, file: String) throws {
        guard String(validating: bytes, as: UTF8.self) == nil else { return }
        let column = firstInvalidOffset(bytes)
        let offending = bytes[bytes.startIndex + column]
        let field = enclosingField(bytes.prefix(column)).map { "field \"\($0)\" of " } ?? ""
        throw RecordError.invalidField(
            field: "\(field)\(file) line \(line)", value: String(format: "byte 0x%02X at column %d", offending, column + 1),
            fix: "the file is not valid UTF-8; save it as UTF-8 and import again (nothing was imported)")
    }

    /// The offset of the first byte that does not start a valid UTF-8 sequence.
    static func firstInvalidOffset(_ bytes: ArraySlice<UInt8>) -> Int {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let length: Int
            switch bytes[i] {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i - bytes.startIndex
            }
            guard i + length <= bytes.endIndex, String(validating: bytes[i..<i + length], as: UTF8.self) != nil else {
                return i - bytes.startIndex
            }
            i += length
        }
        return bytes.count
    }

    /// The last JSON key (`"name":`) before the offending byte, when the line is JSON.
    static func enclosingField(_ prefix: ArraySlice<UInt8>) -> String? {
        let text = String(decoding: prefix, as: UTF8.self)
        guard let colon = text.range(of: "\":", options: .backwards) else { return nil }
        let before = text[..<colon.lowerBound]
        guard let open = before.lastIndex(of: "\"") else { return nil }
        let key = before[before.index(after: open)...]
        return key.isEmpty || key.count > 64 ? nil : String(key)
    }
}
