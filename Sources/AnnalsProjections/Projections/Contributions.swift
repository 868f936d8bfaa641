import AnnalsEventLog
public import AnnalsRecords
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

    var bytes: [UInt8] { JSONValue.object(["count": .integer(count), "sum": .string(sum.description)]).canonicalBytes }

    init(bytes: [UInt8]) throws {
        let value = try JSONValue.parse(bytes)
        guard case .integer(let count)? = value["count"], let sum = value["sum"]?.stringValue else {
            throw RecordError.invalidField(field: "aggregate", value: String(decoding: bytes, as: UTF8.self), fix: "run annals rebuild --projection aggregates")
        }
        self.count = count
        self.sum = try ExactDecimal(sum)
    }

    static func + (a: AggregateValue, b: AggregateValue) -> AggregateValue { AggregateValue(count: a.count + b.count, sum: a.sum + b.sum) }
    static func - (a: AggregateValue, b: AggregateValue) -> AggregateValue { AggregateValue(count: a.count - b.count, sum: a.sum - b.sum) }
}

/// The key of one aggregate cell: a family and its dimensions, year first.
public struct AggregateKey: Hashable, Sendable, Comparable {
    /// `articles` (year, source, category), `views` (year), `events` (year, kind, counterpart),
    /// `quantity` (year, metric, unit), `edits` (year recorded, actor, kind of edit).
    public let family: String
    public let year: Int
    public let dimensions: [String]

    static let separator: Character = "\u{1F}"

    var bytes: [UInt8] { Array(([family, String(format: "%04d", year)] + dimensions).joined(separator: String(Self.separator)).utf8) }

    init(family: String, year: Int, _ dimensions: [String]) {
        self.family = family
        self.year = year
        self.dimensions = dimensions
    }

    init?(bytes: some Collection<UInt8>) {
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: Self.separator, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let year = Int(parts[1]) else { return nil }
        self.init(family: parts[0], year: year, Array(parts.dropFirst(2)))
    }

    public static func < (a: AggregateKey, b: AggregateKey) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}

/// What one record adds to the per-year aggregates, keyed by the record's own year. A retracted
/// record adds nothing; so a correction, a retraction or a restore moves exactly the difference.
enum Contributions {
    static let none = "(none)"

    static func of(_ state: RecordState?) -> [AggregateKey: AggregateValue] {
        guard let state, !state.retracted, let record = try? state.record else { return [:] }
        var cells: [AggregateKey: AggregateValue] = [:]
        func add(_ key: AggregateKey, count: Int64 = 1, sum: ExactDecimal = .zero) {
            let current = cells[key] ?? .zero
            // Count records, not values: a record with two quantities of one metric counts once.
            cells[key] = AggregateValue(count: max(current.count, count), sum: current.sum + sum)
        }
        switch record {
        case .article(let article):
            let year = article.publishedAt.year
            add(AggregateKey(family: "articles", year: year, [article.source, article.category ?? none]))
            add(AggregateKey(family: "views", year: year, []), sum: ExactDecimal(Decimal(article.viewCount?.count ?? 0)))
        case .diplomacyEvent(let event):
            let year = event.date.year
            let counterparts = event.counterparts.isEmpty ? [none] : event.counterparts.map(\.name)
            for counterpart in Set(counterparts) { add(AggregateKey(family: "events", year: year, [event.kind.rawValue, counterpart])) }
            for quantity in event.quantities {
                add(AggregateKey(family: "quantity", year: year, [quantity.metric, quantity.unit]), sum: quantity.value)
            }
        }
        return cells
    }

    /// The audit cell every record edit adds: its year of recording (UTC), its actor, its kind.
    static func edit(_ event: RecordedEvent, kind: EditKind) -> AggregateKey {
        let year = Int(event.recordedAt.description.prefix(4)) ?? 0
        return AggregateKey(family: "edits", year: year, [event.metadata.actor, kind.verb])
    }
}
