import AnnalsApplication
import AnnalsCore
import AnnalsProjections
import AnnalsRecords
import ArgumentParser
import Foundation

struct Aggregates: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per-year aggregates now, as the store knew them at a time, or what changed between two times.",
        discussion: """
        Families: articles (year × source × category), views (year), events (year × kind × counterpart), \
        quantity (year × metric × unit, exact sums), edits (year recorded × actor × kind of edit).
        Example: annals aggregates --metric ngo-aid --as-of 2026-11-01T00:00:00Z
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this year.") var year: Int?
    @Option(help: "Only this family: articles, views, events, quantity, edits.") var family: String?
    @Option(help: "Only quantities of this metric (implies --family quantity).") var metric: String?
    @Option(name: .customLong("as-of"), help: ArgumentHelp("As the store knew them at this time.", valueName: "time")) var asOf: String?
    @Option(parsing: .upToNextOption, help: ArgumentHelp("What changed between two times: --diff T1 T2.", valueName: "time")) var diff: [String] = []
    @Option(help: "table (default), json or csv.") var format: Format?

    static let families = ["articles", "views", "events", "quantity", "edits"]

    func validate() throws {
        if !diff.isEmpty && diff.count != 2 { throw ValidationError("--diff takes two times: --diff T1 T2") }
        if asOf != nil && !diff.isEmpty { throw ValidationError("give --as-of or --diff, not both") }
        if let family, !Self.families.contains(family) { throw ValidationError("unknown --family \(family): use \(Self.families.joined(separator: ", "))") }
    }

    func run() throws {
        let session = Session(options: global)
        let format = format ?? (global.json ? .json : .table)
        let family = metric != nil ? "quantity" : self.family
        let service = try session.open(readOnly: true)
        let store = service.store
        defer { service.close() }
        func keep(_ key: AggregateKey) -> Bool { metric == nil || key.dimensions.first == metric }

        if diff.count == 2 {
            let first = try store.position(at: session.end(diff[0], option: "--diff"))
            let second = try store.position(at: session.end(diff[1], option: "--diff"))
            let changes = try store.aggregateChanges(from: first, to: second, year: year, family: family).filter { keep($0.key) }
            switch format {
            case .json:
                changes.forEach { session.emit(.object(["key": keyJSON($0.key), "before": valueJSON($0.before), "after": valueJSON($0.after)])) }
            case .csv:
                session.say("family,year,dimensions,count_before,sum_before,count_after,sum_after")
                for c in changes {
                    session.say([c.key.family, String(c.key.year), csv(c.key.dimensions.joined(separator: " / ")), String(c.before.count),
                                 c.before.sum.description, String(c.after.count), c.after.sum.description].joined(separator: ","))
                }
            case .table:
                var table = Table(["family", "year", "of", "records", "sum"])
                for c in changes {
                    table.add([c.key.family, String(c.key.year), c.key.dimensions.joined(separator: " / "), "\(c.before.count) → \(c.after.count)",
                               "\(c.before.sum) → \(c.after.sum)"])
                }
                session.say(table.render())
                session.say("\(changes.count) cell\(changes.count == 1 ? "" : "s") changed between \(diff[0]) and \(diff[1])")
            }
            return
        }
        let rows: [AggregateRow]
        if let asOf {
            rows = try store.aggregates(asOf: session.end(asOf, option: "--as-of"), year: year, family: family)
        } else {
            rows = try store.aggregates(year: year, family: family)
        }
        let kept = rows.filter { keep($0.key) }
        switch format {
        case .json: kept.forEach { session.emit(.object(["key": keyJSON($0.key), "value": valueJSON($0.value)])) }
        case .csv:
            session.say("family,year,dimensions,count,sum")
            for row in kept {
                session.say([row.key.family, String(row.key.year), csv(row.key.dimensions.joined(separator: " / ")), String(row.value.count),
                             row.value.sum.description].joined(separator: ","))
            }
        case .table:
            session.say(aggregateTable(kept))
        }
    }

    private func keyJSON(_ key: AggregateKey) -> JSONValue {
        .object(["family": .string(key.family), "year": .integer(Int64(key.year)), "dimensions": .array(key.dimensions.map(JSONValue.string))])
    }

    private func valueJSON(_ value: AggregateValue) -> JSONValue {
        .object(["count": .integer(value.count), "sum": .string(value.sum.description)])
    }

    private func csv(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}

/// The aggregates as a table for people; sums only where they mean something (quantities, views).
func aggregateTable(_ rows: [AggregateRow]) -> String {
    var table = Table(["family", "year", "of", "records", "sum"])
    for row in rows {
        let sum = row.key.family == "quantity" || row.key.family == "views" ? row.value.sum.description : ""
        table.add([row.key.family, String(row.key.year), row.key.dimensions.joined(separator: " / "), String(row.value.count), sum])
    }
    return table.render()
}
