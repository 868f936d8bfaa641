/// The pieces of RFC 8259 that `JSONParser` and `JSONValidator` read alike, so both hold one
/// grammar. Each reads at `index` in `bytes`, moves `index` past what it read, and throws
/// `JSONError` at the offset where the text stops fitting.
enum JSONGrammar {
    /// Four hexadecimal digits (after `\u`), as a number.
    static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw JSONError(offset: index, problem: "a \\u escape needs four hexadecimal digits") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw JSONError(offset: index, problem: "a \\u escape needs four hexadecimal digits")
            }
            value = value << 4 | digit
        }
        index += 4
        return value
    }

    /// A number's text; returns whether it is integral (no fraction, no exponent).
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) throws -> Bool {
        func digits() -> Int {
            let from = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - from
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let leading = index
        guard digits() > 0 else { throw JSONError(offset: index, problem: "not a value") }
        guard bytes[leading] != UInt8(ascii: "0") || index - leading == 1 else { throw JSONError(offset: index, problem: "a number has a leading zero") }
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            integral = false
            guard digits() > 0 else { throw JSONError(offset: index, problem: "a number needs digits after its '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            integral = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw JSONError(offset: index, problem: "a number needs digits in its exponent") }
        }
        return integral
    }

    /// The value of a number's text as the parser keeps it: `Int64` when integral and in range,
    /// else `Double`; nil when `Double` cannot hold it either.
    static func numberValue(_ text: Slice<UnsafeBufferPointer<UInt8>>, integral: Bool) -> JSONValue? {
        let string = String(decoding: text, as: UTF8.self)
        if integral, let value = Int64(string) { return .integer(value) }
        return Double(string).map(JSONValue.double)
    }
}
