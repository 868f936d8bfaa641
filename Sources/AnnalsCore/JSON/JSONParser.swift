/// Parses JSON text (RFC 8259) straight into `JSONValue`.
///
/// Every event payload is checked with it before it is appended, so whatever the log holds, every
/// reader can parse. Payloads and projection states are parsed on the hot paths (append, rebuild,
/// time travel); going through `JSONDecoder` and `JSONValue`'s generic `Decodable` conformance cost
/// most of their time, so this reads bytes directly. It accepts RFC 8259 JSON (Foundation's reader on
/// Linux also takes trailing commas; this one does not), with these guarantees: strings must be
/// valid UTF-8 (no repair), numbers without a
/// fraction or exponent that fit in `Int64` become `.integer`, others `.double`, nesting is limited
/// to 512 levels, and nothing may follow the value but white space.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// Input from people refuses `-0` (which `.integer` cannot keep apart from 0) and a key given
    /// twice in one object (which of the two was meant cannot be known); stored payloads are read
    /// as they are.
    private var refuseNegativeZero = false
    private var refuseDuplicateKeys = false
    /// The members of the objects being read, innermost last: an object's dictionary is made once
    /// its members are all read, at its final size, instead of growing (and rehashing) member by member.
    private var members: [(key: String, value: JSONValue)] = []

    static func parse(_ bytes: [UInt8], input: Bool = false) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { try parse(buffer: $0, input: input) }
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>, input: Bool = false) throws -> JSONValue {
        var parser = JSONParser(bytes: buffer)
        parser.refuseNegativeZero = input
        parser.refuseDuplicateKeys = input
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == buffer.count else { throw parser.error("unexpected text after the value") }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private func error(_ what: String) -> JSONError {
        JSONError(offset: index, problem: what)
    }

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    private mutating func value() throws -> JSONValue {
        guard index < bytes.count else { throw error("the text ends where a value should be") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try number()
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
              word.withUTF8Buffer({ $0.elementsEqual(bytes[index..<index + count]) }) else { throw error("unknown word") }
        index += count
        return value
    }

    private mutating func object() throws -> JSONValue {
        depth += 1
        guard depth <= 512 else { throw error("nested too deeply") }
        defer { depth -= 1 }
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object([:])
        }
        let first = members.count
        defer { members.removeSubrange(first...) }
        var keys = Set<String>()  // input only: to refuse a key given twice
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("an object key must be a string") }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("a ':' must follow an object key") }
            index += 1
            skipSpace()
            if refuseDuplicateKeys, !keys.insert(key).inserted {
                throw error("the key \"\(key)\" is given twice in one object; give it once")
            }
            let member = try value()
            members.append((key, member))
            skipSpace()
            guard index < bytes.count else { throw error("the object is not closed") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; break }
            throw error("expected ',' or '}' in an object")
        }
        // A key given twice (stored payloads only; input refuses it above): the last one stands.
        var object = [String: JSONValue](minimumCapacity: members.count - first)
        for member in members[first...] { object[member.key] = member.value }
        return .object(object)
    }

    private mutating func array() throws -> JSONValue {
        depth += 1
        guard depth <= 512 else { throw error("nested too deeply") }
        defer { depth -= 1 }
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard index < bytes.count else { throw error("the list is not closed") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw error("expected ',' or ']' in a list")
        }
    }

    private mutating func string() throws -> String {
        index += 1
        let start = index
        // Fast path: no escapes, so the bytes are the string's UTF-8.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                guard let text = String(validUTF8: UnsafeBufferPointer(rebasing: bytes[start..<index])) else { throw error("a string is not valid UTF-8") }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw error("a control character must be escaped in a string") }
            index += 1
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validUTF8: out[...]) else { throw error("a string is not valid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("a lone surrogate in a \\u escape")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("a lone surrogate in a \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("a lone surrogate in a \\u escape") }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default: throw error("an unknown escape in a string")
                }
            default:
                guard byte >= 0x20 else { throw error("a control character must be escaped in a string") }
                out.append(byte)
            }
        }
        throw error("a string is not closed")
    }

    private mutating func hex4() throws -> UInt32 { try JSONGrammar.hex4(bytes, &index) }

    private mutating func number() throws -> JSONValue {
        let start = index
        let integral = try JSONGrammar.number(bytes, &index)
        guard let value = JSONGrammar.numberValue(bytes[start..<index], integral: integral) else { throw error("a number is out of range") }
        if refuseNegativeZero, bytes[start] == UInt8(ascii: "-"), value == .integer(0) || value == .double(0) {
            throw JSONError(offset: start, problem: "-0 is not a number a record holds; write 0")
        }
        return value
    }
}
