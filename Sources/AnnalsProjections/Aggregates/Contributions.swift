import AnnalsLMDB
import AnnalsCore
public import AnnalsRecords
import Foundation

/// What one record adds to the per-year aggregates, keyed by the record's own year. A retracted
/// record adds nothing; so a correction, a retraction or a restore moves exactly the difference.
enum Contributions {
    static let none = "(none)"

    /// The top-level fields `of` reads: a change that leaves them (and the retraction) alone
    /// leaves a record's cells alone. A test changes every other field and checks that.
    static let fields = ["publishedAt", "source", "category", "viewCount", "date", "kind", "counterparts", "quantities"]

    /// Whether two states of one record add the same cells, known without working them out.
    static func same(_ a: RecordState, _ b: RecordState) -> Bool {
        a.retracted == b.retracted && fields.allSatisfy { field in
            // The same canonical text is the same value, byte for byte; a field neither text holds
            // is absent from both (most fields of the other record type).
            a.sameFieldText(field, as: b) || identical(a.field(field), b.field(field))
        }
    }

    /// Whether two values are equal byte for byte. `String`'s `==` equates canonically equivalent
    /// text (NFC and NFD), which cell keys, compared as bytes, do not; an imported log may hold either.
    private static func identical(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        switch (a, b) {
        case let (.string(x)?, .string(y)?): return x.utf8.elementsEqual(y.utf8)
        case let (.array(x)?, .array(y)?): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case let (.object(x)?, .object(y)?):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { identical(value, $0) } ?? false }
        default: return a == b
        }
    }

    /// Read from the record's document directly (the projection writer runs this twice per event,
    /// and a typed decode with full validation cost most of a rebuild): the document was validated
    /// when its edit was appended.
    static func of(_ state: RecordState?) -> [AggregateKey: AggregateValue] {
        guard let state, !state.retracted else { return [:] }
        var cells: [AggregateKey: AggregateValue] = [:]
        cells.reserveCapacity(4)  // most records add two or three cells: one allocation
        func add(_ key: AggregateKey, sum: ExactDecimal = .zero) {
            // Count records, not values: a record with two quantities of one metric counts once.
            let current = cells[key] ?? .zero
            cells[key] = AggregateValue(count: 1, sum: current.sum + sum)
        }
        let string = state.stringField
        func year(_ field: String) -> Int? { string(field).flatMap { try? RecordDate($0) }?.year }
        switch state.id.type {
        case .article:
            guard let year = year("publishedAt") else { return [:] }
            add(AggregateKey(family: .articles, year: year, [string("source") ?? none, string("category") ?? none]))
            // Only records that carry a view count are behind the sum.
            let views = state.documentText?.object("viewCount").map { $0.parsedValue("count") } ?? state.field("viewCount")?["count"]
            if case .integer(let views)? = views {
                add(AggregateKey(family: .views, year: year, []), sum: ExactDecimal(integer: views))
            }
        case .diplomacyEvent:
            guard let year = year("date"), let kind = string("kind") else { return [:] }
            // Read from the record's text where it has it, else from its tree: the same strings.
            let names = Set(members(of: state, list: "counterparts", ["name"]).compactMap { $0[0] })
            for counterpart in names.isEmpty ? [none] : names { add(AggregateKey(family: .events, year: year, [kind, counterpart])) }
            for quantity in members(of: state, list: "quantities", ["metric", "unit", "value"]) {
                guard let metric = quantity[0], let unit = quantity[1], let amount = quantity[2].flatMap({ try? ExactDecimal($0) }) else { continue }
                add(AggregateKey(family: .quantity, year: year, [metric, unit]), sum: amount)
            }
        }
        return cells
    }

    /// For each item of list field `list` (none when it is not a list), its string members `keys`
    /// (nil where an item has no such string, or is not an object).
    private static func members(of state: RecordState, list: String, _ keys: [String]) -> [[String?]] {
        if let objects = state.documentText?.objects(inList: list) { return objects.map { object in keys.map { object.string($0) } } }
        guard case .array(let items)? = state.field(list) else { return [] }
        return items.map { item in keys.map { item[$0]?.stringValue } }
    }

    /// What changes when a record's cells go from `old` to `new` (zero changes included).
    static func difference(from old: [AggregateKey: AggregateValue], to new: [AggregateKey: AggregateValue]) -> [AggregateKey: AggregateValue] {
        var deltas = new
        for (key, value) in old { deltas[key, default: .zero] = deltas[key, default: .zero] - value }
        return deltas
    }

    /// The audit cell every record edit adds: its year of recording (UTC), its actor, its kind.
    static func edit(_ event: RecordedEvent, kind: EditKind) -> AggregateKey {
        edit(recordedAt: event.recordedAt, actor: event.metadata.actor, kind: kind)
    }

    static func edit(recordedAt: Timestamp, actor: String, kind: EditKind) -> AggregateKey {
        // A year of four digits, as every real recording time has, is read without formatting the
        // time; outside them the cell keeps what the first four characters of its ISO text say.
        let full = recordedAt.yearUTC
        let year = (0...9999).contains(full) ? Int(full) : Int(recordedAt.description.prefix(4)) ?? 0
        return AggregateKey(family: .edits, year: year, [actor, kind.verb])
    }
}

/// How the aggregates projection stores its values, in `ByteWriter`'s pieces:
/// - a total: cell number, count, sum (plain notation, empty for zero);
/// - a history entry: for each cell the event moved, in cell-key order, its number, the count's
///   change and the sum's change.
enum AggregateFormat {
    /// A cell's number and its total.
    struct Total {
        let number: UInt64
        var value: AggregateValue
    }

    static func encode(_ total: Total) -> [UInt8] {
        var writer = ByteWriter(capacity: 16)
        writer.unsigned(total.number)
        writer.signed(total.value.count)
        appendSum(total.value.sum, to: &writer)
        return writer.bytes
    }

    static func total(_ bytes: [UInt8], key: AggregateKey) throws -> Total {
        var reader = ByteReader(bytes[...])
        do {
            let number = try reader.unsigned(), count = try reader.signed(), sum = try readSum(&reader)
            guard reader.isAtEnd else { throw ByteReader.Truncated() }
            return Total(number: number, value: AggregateValue(count: count, sum: sum))
        } catch {
            throw damaged("aggregate \(String(decoding: key.bytes, as: UTF8.self))", bytes)
        }
    }

    static func appendDelta(number: UInt64, _ delta: AggregateValue, to writer: inout ByteWriter) {
        writer.unsigned(number)
        writer.signed(delta.count)
        appendSum(delta.sum, to: &writer)
    }

    /// The cells (by number) and changes of one history entry.
    static func deltas(_ bytes: [UInt8], position: UInt64) throws -> [(number: UInt64, delta: AggregateValue)] {
        var reader = ByteReader(bytes[...]), entries: [(UInt64, AggregateValue)] = []
        do {
            while !reader.isAtEnd {
                let number = try reader.unsigned(), count = try reader.signed(), sum = try readSum(&reader)
                entries.append((number, AggregateValue(count: count, sum: sum)))
            }
        } catch {
            throw damaged("aggregate history at position \(position)", bytes)
        }
        return entries
    }

    private static func appendSum(_ sum: ExactDecimal, to writer: inout ByteWriter) {
        if sum == .zero { writer.unsigned(0) } else { writer.string(sum.description) }
    }

    private static func readSum(_ reader: inout ByteReader) throws -> ExactDecimal {
        let text = try reader.string()
        return text.isEmpty ? .zero : try ExactDecimal(String(decoding: text, as: UTF8.self))
    }

    private static func damaged(_ field: String, _ bytes: [UInt8]) -> ProjectionError {
        ProjectionError.damaged(projection: "aggregates", part: field, value: hexPrefix(bytes, 40), problem: nil)
    }
}
