import AnnalsLMDB
import AnnalsCore
public import AnnalsRecords
import Foundation

/// What one record adds to the per-year aggregates, keyed by the record's own year. A retracted
/// record adds nothing; so a correction, a retraction or a restore moves exactly the difference.
enum Contributions {
    static let none = "(none)"

    /// Read from the record's document directly (the projection writer runs this twice per event,
    /// and a typed decode with full validation cost most of a rebuild): the document was validated
    /// when its edit was appended.
    static func of(_ state: RecordState?) -> [AggregateKey: AggregateValue] {
        guard let state, !state.retracted else { return [:] }
        let document = state.document
        var cells: [AggregateKey: AggregateValue] = [:]
        func add(_ key: AggregateKey, sum: ExactDecimal = .zero) {
            // Count records, not values: a record with two quantities of one metric counts once.
            let current = cells[key] ?? .zero
            cells[key] = AggregateValue(count: 1, sum: current.sum + sum)
        }
        func year(_ field: String) -> Int? { document[field]?.stringValue.flatMap { try? RecordDate($0) }?.year }
        switch state.id.type {
        case .article:
            guard let year = year("publishedAt") else { return [:] }
            add(AggregateKey(family: "articles", year: year, [document["source"]?.stringValue ?? none, document["category"]?.stringValue ?? none]))
            // Only records that carry a view count are behind the sum.
            if case .integer(let views)? = document["viewCount"]?["count"] {
                add(AggregateKey(family: "views", year: year, []), sum: ExactDecimal(Decimal(views)))
            }
        case .diplomacyEvent:
            guard let year = year("date"), let kind = document["kind"]?.stringValue else { return [:] }
            var names: Set<String> = []
            if case .array(let counterparts)? = document["counterparts"] { names = Set(counterparts.compactMap { $0["name"]?.stringValue }) }
            for counterpart in names.isEmpty ? [none] : names { add(AggregateKey(family: "events", year: year, [kind, counterpart])) }
            if case .array(let quantities)? = document["quantities"] {
                for quantity in quantities {
                    guard let metric = quantity["metric"]?.stringValue, let unit = quantity["unit"]?.stringValue,
                          let value = quantity["value"]?.stringValue.flatMap({ try? ExactDecimal($0) }) else { continue }
                    add(AggregateKey(family: "quantity", year: year, [metric, unit]), sum: value)
                }
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

/// The aggregate history: for each log position whose event moved any cell, the cells it moved
/// and by how much, as canonical JSON `[[cell, count, sum], …]` sorted by cell.
enum AggregateChanges {
    static func encode(_ deltas: [AggregateKey: AggregateValue]) -> [UInt8] {
        JSONValue.array(deltas.sorted { $0.key < $1.key }.map { key, delta in
            .array([.string(String(decoding: key.bytes, as: UTF8.self)), .integer(delta.count), .string(delta.sum.description)])
        }).canonicalBytes
    }

    static func decode(_ bytes: [UInt8], position: UInt64) throws -> [(AggregateKey, AggregateValue)] {
        func damaged() -> RecordError {
            RecordError.invalidField(field: "aggregate history at position \(position)", value: String(decoding: bytes.prefix(80), as: UTF8.self),
                                     fix: "run annals rebuild --projection aggregates")
        }
        guard case .array(let cells) = try JSONValue.parse(bytes) else { throw damaged() }
        return try cells.map { cell in
            guard case .array(let parts) = cell, parts.count == 3, let keyText = parts[0].stringValue,
                  let key = AggregateKey(bytes: Array(keyText.utf8)), case .integer(let count) = parts[1],
                  let sum = parts[2].stringValue.flatMap({ try? ExactDecimal($0) }) else { throw damaged() }
            return (key, AggregateValue(count: count, sum: sum))
        }
    }
}

extension AggregateValue {
    /// The cell as the totals table stores it: canonical JSON `{"count", "sum"}`.
    var bytes: [UInt8] { JSONValue.object(["count": .integer(count), "sum": .string(sum.description)]).canonicalBytes }

    init(bytes: [UInt8]) throws {
        let value = try JSONValue.parse(bytes)
        guard case .integer(let count)? = value["count"], let sum = value["sum"]?.stringValue else {
            throw RecordError.invalidField(field: "aggregate", value: String(decoding: bytes, as: UTF8.self), fix: "run annals rebuild --projection aggregates")
        }
        self.init(count: count, sum: try ExactDecimal(sum))
    }
}
