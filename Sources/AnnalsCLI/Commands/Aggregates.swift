import AnnalsApplication
import AnnalsCore
import AnnalsRecords
import ArgumentParser
import Foundation

struct Aggregates: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per-year aggregates now, as the store knew them at a time, or what changed between two times.",
        discussion: """
        Families: articles (year × source × category), views (year), events (year × kind × counterpart), \
        quantity (year × metric × unit, exact sums), edits (year recorded × actor × kind of edit).
        Two time axes: recorded time (--as-of, --diff: what the store said then) and effective \
        time (--effective: the records as they stood then in their own timelines, each edit at the \
        time it took effect; with --as-of, as the store believed then). The edits family exists on \
        the recorded axis only.
        Example: annals aggregates --metric ngo-aid --as-of 2026-11-01T00:00:00Z
        Example: annals aggregates --metric ngo-aid --effective 2022-03-31 --as-of 2026-11-01
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this year.") var year: Int?
    @Option(help: "Only this family: articles, views, events, quantity, edits.") var family: String?
    @Option(help: "Only quantities of this metric (implies --family quantity).") var metric: String?
    @Option(name: .customLong("as-of"), help: ArgumentHelp("As the store knew them at this time.", valueName: "time")) var asOf: String?
    @Option(help: ArgumentHelp("The records as they stood at this time in their own timelines (with --as-of: as the store believed then).", valueName: "time"))
    var effective: String?
    @Option(parsing: .upToNextOption, help: ArgumentHelp("What changed between two times: --diff T1 T2.", valueName: "time")) var diff: [String] = []
    @Option(help: ArgumentHelp("The axis of --diff: recorded (default: what the store said at T1 and T2) or effective (the records as they stood at T1 and T2).", valueName: "axis"))
    var axis: Axis = .recorded

    enum Axis: String, ExpressibleByArgument, CaseIterable { case recorded, effective }
    @Option(help: "table (default), json or csv.") var format: Format?

    func validate() throws {
        if !diff.isEmpty && diff.count != 2 { throw ValidationError("--diff takes two times: --diff T1 T2") }
        if asOf != nil && !diff.isEmpty { throw ValidationError("give --as-of or --diff, not both") }
        if effective != nil && !diff.isEmpty { throw ValidationError("give --effective or --diff, not both (--diff T1 T2 --axis effective compares two effective times)") }
        if axis == .effective && diff.isEmpty { throw ValidationError("--axis applies to --diff; for one effective time give --effective TIME") }
        if effective != nil || axis == .effective, let refusal = family.flatMap(AggregateFamily.init(rawValue:))?.effectiveRefusal {
            throw ValidationError(refusal)
        }
        if let family, AggregateFamily(rawValue: family) == nil {
            throw ValidationError("unknown --family \(family): use \(AggregateFamily.names)")
        }
    }

    func run() throws {
        let session = Session(options: global)
        let format = format ?? (global.json ? .json : .table)
        let selection = try AggregateSelection(year: year, family: family, metric: metric)
        let service = try session.open(readOnly: true)
        defer { service.close() }

        if diff.count == 2 {
            let first = try session.end(diff[0], option: "--diff"), second = try session.end(diff[1], option: "--diff")
            let kept = try service.aggregateChanges(selection, from: first, to: second, axis: axis == .effective ? .effective : .recorded)
            switch format {
            case .json:
                kept.forEach { session.emit(.object(["key": keyJSON($0.key), "before": valueJSON($0.before), "after": valueJSON($0.after)])) }
            case .csv:
                session.say("family,year,dimensions,count_before,sum_before,count_after,sum_after")
                for c in kept {
                    session.say([c.key.family, String(c.key.year), csv(c.key.dimensions.joined(separator: " / ")), String(c.before.count),
                                 c.before.sum.description, String(c.after.count), c.after.sum.description].joined(separator: ","))
                }
            case .table:
                var table = Table(["family", "year", "of", "records", "sum"])
                for c in kept {
                    table.add([c.key.family, String(c.key.year), c.key.dimensions.joined(separator: " / "), "\(c.before.count) → \(c.after.count)",
                               "\(c.before.sum) → \(c.after.sum)"])
                }
                session.say(table.render())
                session.say("\(kept.count) cell\(kept.count == 1 ? "" : "s") changed between \(diff[0]) and \(diff[1])")
            }
            return
        }
        let moment = ReadMoment(asOf: try asOf.map { try session.end($0, option: "--as-of") },
                                effective: try effective.map { try session.end($0, option: "--effective") })
        let kept = try service.aggregates(selection, at: moment)
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
        let sum = AggregateFamily(rawValue: row.key.family)?.sums == true ? row.value.sum.description : ""
        table.add([row.key.family, String(row.key.year), row.key.dimensions.joined(separator: " / "), String(row.value.count), sum])
    }
    return table.render()
}
