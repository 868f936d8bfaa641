public import Foundation

/// A base-10 number kept exactly (never a binary float): 1108742 USD stays 1108742.
/// Encoded in JSON as a string in plain notation ("1108742", "0.5"), so no JSON reader turns it
/// into a double.
public struct ExactDecimal: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let value: Decimal
    /// The same number when it is known to be a whole number that fits in 64 bits: most figures
    /// are, and for them parsing, printing and adding skip `Decimal`'s slower paths.
    private let integer: Int64?

    public init(_ value: Decimal) {
        self.value = value
        integer = nil
    }

    /// A whole number.
    package init(integer: Int64) {
        value = Decimal(integer)
        self.integer = integer
    }

    public static let zero = ExactDecimal(integer: 0)

    /// Parses plain notation: digits with an optional `.` decimal point and sign, such as
    /// `1108742` or `-12.50`. Vietnamese grouping (`1.108.742`) is read by `vietnamese(_:)`.
    public init(_ text: String) throws {
        // Whole numbers of up to 18 digits without leading zeros, the common case, fit in Int64.
        let negative = text.utf8.first == UInt8(ascii: "-")
        let digits = text.utf8.dropFirst(negative ? 1 : 0)
        if (1...18).contains(digits.count), digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
           digits.first != UInt8(ascii: "0") || (digits.count == 1 && !negative), let number = Int64(text) {
            self.init(integer: number)
            return
        }
        let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard !body.isEmpty, parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              body.count <= 38, let value = Decimal(string: text, locale: Self.posix) else {
            throw RecordError.invalidField(field: "number", value: text, fix: "write an exact number in plain notation such as 1108742 or 12.5")
        }
        guard !(negative && value.isZero) else {
            throw RecordError.invalidField(field: "number", value: text, fix: "-0 is not an amount; write 0")
        }
        self.init(value)
    }

    /// Parses a number as Vietnamese text writes it: `.` groups thousands and `,` marks the
    /// decimals: `150.000` is 150000 and `1.108.742,5` is 1108742.5.
    public static func vietnamese(_ text: String) throws -> ExactDecimal {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw RecordError.invalidField(field: "number", value: text, fix: "Vietnamese numbers have at most one decimal comma")
        }
        let groups = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard let first = groups.first, (1...3).contains(first.count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
            throw RecordError.invalidField(field: "number", value: text, fix: "group thousands with dots in threes, as in 1.108.742")
        }
        let plain = groups.joined() + (parts.count == 2 ? "." + parts[1] : "")
        return try ExactDecimal(plain)
    }

    public init(from decoder: any Decoder) throws {
        self = try withCodingPath(decoder) {
            let container = try decoder.singleValueContainer()
            guard let text = try? container.decode(String.self) else {
                throw RecordError.invalidField(field: "value", value: "a JSON number", fix: "give the value as a string, such as \"1108742\", so it stays exact")
            }
            return try ExactDecimal(text)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Plain notation with `.` for decimals: never an exponent, never grouping.
    public var description: String {
        if let integer { return String(integer) }
        var copy = value
        return NSDecimalString(&copy, Self.posix)
    }

    /// Made once: creating a locale costs more than the arithmetic it serves.
    private static let posix = Locale(identifier: "en_US_POSIX")

    public static func + (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        if let x = a.integer, let y = b.integer, case (let sum, false) = x.addingReportingOverflow(y) { return ExactDecimal(integer: sum) }
        return ExactDecimal(a.value + b.value)
    }

    public static func - (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        if let x = a.integer, let y = b.integer, case (let difference, false) = x.subtractingReportingOverflow(y) { return ExactDecimal(integer: difference) }
        return ExactDecimal(a.value - b.value)
    }

    public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool {
        if let x = a.integer, let y = b.integer { return x < y }
        return a.value < b.value
    }

    public static func == (a: ExactDecimal, b: ExactDecimal) -> Bool {
        if let x = a.integer, let y = b.integer { return x == y }
        return a.value == b.value
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
