/// Checks that bytes are RFC 8259 JSON exactly as `JSONParser` reads it (the same grammar,
/// UTF-8 strings, at most 512 levels of nesting, nothing after the value but white space) without
/// building any value: the log checks every payload this way on append, and building a tree there
/// cost more than all the rest of an append. A test holds it to the parser's verdict.
struct JSONValidator {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// Where the top-level members of an object lie (`members(of:)`), when asked for.
    private var members: [JSONObjectBytes.Member]?

    /// Throws `JSONError` where `bytes` stop being JSON.
    static func validate(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { buffer in
            var validator = JSONValidator(bytes: buffer)
            try validator.whole()
        }
    }

    /// Validates `bytes` as `validate` does and, when they hold an object, gives where each of its
    /// members' keys (without the quotes) and values lie, as offsets into `bytes`, in text order;
    /// nil for any other value.
    static func members(of bytes: UnsafeBufferPointer<UInt8>) throws -> [JSONObjectBytes.Member]? {
        var validator = JSONValidator(bytes: bytes)
        validator.members = []
        try validator.whole()
        return validator.members
    }

    private mutating func whole() throws {
        skipSpace()
        if members != nil, index < bytes.count, bytes[index] != UInt8(ascii: "{") { members = nil }
        try value()
        skipSpace()
        guard index == bytes.count else { throw error("unexpected text after the value") }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private func error(_ what: String) -> JSONError { JSONError(offset: index, problem: what) }

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    private mutating func value() throws {
        guard index < bytes.count else { throw error("the text ends where a value should be") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try container(close: UInt8(ascii: "}"), keyed: true)
        case UInt8(ascii: "["): try container(close: UInt8(ascii: "]"), keyed: false)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
              word.withUTF8Buffer({ $0.elementsEqual(bytes[index..<index + count]) }) else { throw error("unknown word") }
        index += count
    }

    /// An object (`keyed`) or a list, from its opening bracket to `close`.
    private mutating func container(close: UInt8, keyed: Bool) throws {
        depth += 1
        guard depth <= 512 else { throw error("nested too deeply") }
        defer { depth -= 1 }
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == close {
            index += 1
            return
        }
        while true {
            skipSpace()
            var key = 0..<0
            if keyed {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("an object key must be a string") }
                let keyStart = index + 1
                try string()
                key = keyStart..<index - 1
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("a ':' must follow an object key") }
                index += 1
                skipSpace()
            }
            let valueStart = index
            try value()
            if keyed, depth == 1, members != nil { members?.append(JSONObjectBytes.Member(key: key, value: valueStart..<index)) }
            skipSpace()
            guard index < bytes.count else { throw error(keyed ? "the object is not closed" : "the list is not closed") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == close { index += 1; return }
            throw error(keyed ? "expected ',' or '}' in an object" : "expected ',' or ']' in a list")
        }
    }

    private mutating func string() throws {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            // Plain ASCII, most of any text: nothing to check but that it is not a quote, a
            // backslash or a control character.
            if byte &- 0x20 < 0x60, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw error("a string is not closed") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                case UInt8(ascii: "u"):
                    let scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("a lone surrogate in a \\u escape")
                        }
                        index += 2
                        guard (0xDC00...0xDFFF).contains(try hex4()) else { throw error("a lone surrogate in a \\u escape") }
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("a lone surrogate in a \\u escape")
                    }
                default: throw error("an unknown escape in a string")
                }
            case 0..<0x20:
                throw error("a control character must be escaped in a string")
            case 0x20..<0x80:
                index += 1
            default:
                try utf8Sequence()
            }
        }
        throw error("a string is not closed")
    }

    /// One multi-byte UTF-8 sequence (Unicode 15, table 3-7: no overlong forms, no surrogates,
    /// nothing above U+10FFFF).
    private mutating func utf8Sequence() throws {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF  // the allowed range of the second byte
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw error("a string is not valid UTF-8")
        }
        guard index + length <= bytes.count, bytes[index + 1] >= low, bytes[index + 1] <= high else { throw error("a string is not valid UTF-8") }
        if length > 2, bytes[index + 2] & 0xC0 != 0x80 { throw error("a string is not valid UTF-8") }
        if length > 3, bytes[index + 3] & 0xC0 != 0x80 { throw error("a string is not valid UTF-8") }
        index += length
    }

    private mutating func hex4() throws -> UInt32 { try JSONGrammar.hex4(bytes, &index) }

    private mutating func number() throws {
        let start = index
        let integral = try JSONGrammar.number(bytes, &index)
        // The parser turns an integer too large for Int64 into a Double and refuses what Double
        // cannot hold: the same check, on the numbers that can need it (long, or not integral).
        if index - start > 15 || !integral, JSONGrammar.numberValue(bytes[start..<index], integral: integral) == nil {
            throw error("a number is out of range")
        }
    }
}
