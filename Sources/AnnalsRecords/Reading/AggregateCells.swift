import Foundation

/// One aggregate cell: how many records are behind it and the exact sum of their values.
public struct AggregateValue: Hashable, Sendable {
    public var count: Int64
    public var sum: ExactDecimal

    public init(count: Int64, sum: ExactDecimal) {
        self.count = count
        self.sum = sum
    }

    public static let zero = AggregateValue(count: 0, sum: .zero)
    public var isZero: Bool { count == 0 && sum == .zero }

    package static func + (a: AggregateValue, b: AggregateValue) -> AggregateValue { AggregateValue(count: a.count + b.count, sum: a.sum + b.sum) }
    package static func - (a: AggregateValue, b: AggregateValue) -> AggregateValue { AggregateValue(count: a.count - b.count, sum: a.sum - b.sum) }
}

/// The families of aggregate cells, each with its dimensions after the year.
public enum AggregateFamily: String, CaseIterable, Sendable {
    /// Articles by year of publication, source and category.
    case articles
    /// The sum of articles' view counts by year of publication.
    case views
    /// Diplomacy events by year, kind and counterpart.
    case events
    /// The sum of diplomacy events' quantities by year, metric and unit.
    case quantity
    /// Edits by the year they were recorded (UTC), actor and kind of edit.
    case edits

    /// Whether the cells carry a sum beside their count.
    public var sums: Bool { self == .views || self == .quantity }

    /// Whether the family answers for an effective time: `edits` counts edits by when they were
    /// recorded, so it has no effective form.
    public var hasEffectiveForm: Bool { self != .edits }

    /// Why a query for an effective time cannot be answered in this family; nil when it can.
    public var effectiveRefusal: String? {
        hasEffectiveForm ? nil : "the \(rawValue) family counts edits by the year they were recorded; it has no effective-time form"
    }

    /// The families, as queries name them, for messages: `articles, views, events, quantity, edits`.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// The key of one aggregate cell: a family and its dimensions, year first.
public struct AggregateKey: Hashable, Sendable, Comparable {
    /// The family's name (`AggregateFamily`), as the cell's stored key holds it.
    public let family: String
    public let year: Int
    public let dimensions: [String]

    /// `family ␟ year ␟ dimension…`, the key of the cell in the totals table (kept, as keys are
    /// compared and written many times).
    package let bytes: [UInt8]

    static let separator: Character = "\u{1F}"
    static let separatorByte: UInt8 = 0x1F

    package init(family: AggregateFamily, year: Int, _ dimensions: [String]) {
        self.init(family: family.rawValue, year: year, dimensions)
    }

    package init(family: String, year: Int, _ dimensions: [String]) {
        self.family = family
        self.year = year
        self.dimensions = dimensions
        // Written piece by piece: a rebuild makes several keys per event.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(family.utf8.count + 5 + dimensions.reduce(0) { $0 + 1 + $1.utf8.count })
        Self.append(family, to: &bytes)
        bytes.append(Self.separatorByte)
        if (0...9999).contains(year) {
            // The digits `fourDigits` gives, without making a string.
            for power in [1000, 100, 10, 1] { bytes.append(UInt8(ascii: "0") + UInt8(year / power % 10)) }
        } else {
            bytes += fourDigits(year).utf8
        }
        for dimension in dimensions {
            bytes.append(Self.separatorByte)
            Self.append(dimension, to: &bytes)
        }
        self.bytes = bytes
    }

    /// Appends `text`'s UTF-8 to `bytes`, copied in one piece (a native string's own bytes).
    private static func append(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    public static func == (a: AggregateKey, b: AggregateKey) -> Bool { a.bytes == b.bytes }
    public func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }  // in one call, not byte by byte

    package init?(bytes: some Collection<UInt8>) {
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: Self.separator, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let year = Int(parts[1]) else { return nil }
        self.init(family: parts[0], year: year, Array(parts.dropFirst(2)))
    }

    public static func < (a: AggregateKey, b: AggregateKey) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}

/// One row of the per-year aggregates.
public struct AggregateRow: Hashable, Sendable {
    public let key: AggregateKey
    public let value: AggregateValue

    package init(key: AggregateKey, value: AggregateValue) {
        self.key = key
        self.value = value
    }
}

/// The change of one cell between two moments.
public struct AggregateChange: Hashable, Sendable {
    public let key: AggregateKey
    public let before: AggregateValue
    public let after: AggregateValue

    package init(key: AggregateKey, before: AggregateValue, after: AggregateValue) {
        self.key = key
        self.before = before
        self.after = after
    }
}

/// A year as four digits (`0987`), as keys sort them: `String(format:)` costs more than the rest
/// of a key.
package func fourDigits(_ year: Int) -> String {
    let text = String(year)
    return text.count >= 4 ? text : String(repeating: "0", count: 4 - text.count) + text
}
