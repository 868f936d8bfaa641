import AnnalsCore
import AnnalsLMDBLog
import AnnalsLMDB
import AnnalsProjections
import AnnalsRecords
import ArgumentParser
import Foundation

struct Rebuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild projections from the log; the old ones serve reads until the switch-over.",
        discussion: "Example: annals rebuild --projection aggregates")

    @OptionGroup var global: GlobalOptions
    @Option(help: "One projection: records, search, aggregates, audit (default: all).") var projection: String?
    @Flag(help: "Fail at once, instead of waiting, when another rebuild or migrate is running on this store.") var noWait = false

    func validate() throws {
        if let projection, ProjectionName(rawValue: projection) == nil {
            throw ValidationError("unknown projection \(projection): use \(ProjectionName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let session = Session(options: global)
        let store = try session.open()
        defer { store.environment.close() }
        let chosen = projection.flatMap(ProjectionName.init(rawValue:)).map { Set([$0]) } ?? Set(ProjectionName.allCases)
        let report = try store.rebuild(chosen, wait: !noWait, waiting: {
            FileHandle.standardError.write(Data("annals: another rebuild or migrate holds this store's projections; waiting for it to finish\n".utf8))
        }, progress: session.progress("rebuild"))
        let names = report.projections.map(\.rawValue).joined(separator: ", ")
        if global.json {
            session.emit(.object(["projections": .array(report.projections.map { .string($0.rawValue) }), "events": .integer(Int64(report.events)),
                                  "seconds": .double(report.seconds)]))
        } else {
            session.say("rebuilt \(names) from \(report.events) events in \(String(format: "%.2f", report.seconds)) s")
        }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the hash chain, every index, and every projection against a fresh rebuild (exit 4 on failure).",
        discussion: "Example: annals verify")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = Session(options: global)
        let store = try session.open(readOnly: true)
        defer { store.close() }
        let report = try store.verify()
        if let problem = report.problem {
            if global.json {
                session.emit(.object(["ok": .bool(false), "position": .integer(Int64(problem.position)), "problem": .string(problem.description)]))
            }
            throw CLIError("verification failed at \(problem)", code: .verificationFailed)
        }
        let stale = try store.staleProjections()
        if let first = stale.first { throw CLIError("verification failed: \(first)", code: .verificationFailed) }
        let differing = try store.verifyProjections()
        if !differing.isEmpty {
            let names = differing.map(\.rawValue).joined(separator: ", ")
            throw CLIError("verification failed: the \(names) projection differs from a fresh rebuild; run: annals rebuild", code: .verificationFailed)
        }
        if global.json {
            session.emit(.object(["ok": .bool(true), "events": .integer(Int64(report.eventsChecked)), "head": .string(report.head.hashHex)]))
        } else {
            session.say("verified \(report.eventsChecked) events: hash chain, indexes and all \(ProjectionName.allCases.count) projections agree (head \(report.head.hashHex.prefix(16))…)")
        }
    }
}

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Counts, store size, map use, the log head, and each projection's position and version.",
        discussion: "Example: annals stats")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = Session(options: global)
        let store = try session.open()
        defer { store.environment.close() }
        let head = try store.head()
        let usage = try store.environment.usage()
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: store.environment.path + "/data.mdb")[.size] as? NSNumber)?.intValue ?? 0
        let status = try store.status()
        let stale = !status.allSatisfy { !$0.isStale }
        let articles = stale ? nil : try store.count(.article), events = stale ? nil : try store.count(.diplomacyEvent)
        if global.json {
            session.emit(.object([
                "articles": articles.map { .integer(Int64($0)) } ?? .null, "diplomacyEvents": events.map { .integer(Int64($0)) } ?? .null,
                "events": .integer(Int64(head.position)), "headHash": .string(head.hashHex),
                "fileBytes": .integer(Int64(fileSize)), "mapBytes": .integer(Int64(usage.mapSize)), "usedBytes": .integer(Int64(usage.usedBytes)),
                "projections": .array(status.map { s in
                    .object(["name": .string(s.projection.rawValue), "position": .integer(Int64(s.position)),
                             "version": s.builtBy.map { .integer(Int64($0)) } ?? .null, "stale": .bool(s.isStale)])
                }),
            ]))
            return
        }
        var table = Table(["", ""])
        table.add(["store", store.environment.path])
        table.add(["records", articles.map { "\($0) articles, \(events ?? 0) diplomacy events" } ?? "unknown: a projection is stale"])
        table.add(["log", "\(head.position) events, head \(head.hashHex)"])
        table.add(["size", "\(fileSize / 1024) KiB on disk, \(usage.usedBytes / 1024) KiB used of a \(usage.mapSize / 1024 / 1024) MiB map"])
        for s in status {
            table.add(["projection \(s.projection.rawValue)",
                       "at position \(s.position), version \(s.builtBy.map(String.init) ?? "none")\(s.isStale ? " — STALE: run annals rebuild --projection \(s.projection.rawValue)" : "")"])
        }
        session.say(table.render())
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the raw log as JSONL with hashes (what import-log reads).",
        discussion: "Example: annals export > annals-log.jsonl")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Start at this position.") var since: UInt64 = 1
    @Flag(help: "Write payloads in the current schema (for reading; import-log takes only the stored form).") var upcast = false

    func run() throws {
        let store = try Session(options: global).open()
        defer { store.environment.close() }
        try store.log.forEachEvent(from: since) { event in
            print(try (upcast ? store.upcaster.upcast(event) : event).exportLine())
            return true
        }
    }
}

/// Feeds the events of an export file to `sink`, line by line, naming the line of a bad one.
func readExport(_ path: String, until limit: UInt64 = .max, _ sink: (RecordedEvent) throws -> Void) throws {
    guard path == "-" || FileManager.default.isReadableFile(atPath: path) else { throw CLIError("cannot read \(path)") }
    var number = 0
    func take(_ line: String) throws -> Bool {
        number += 1
        guard !line.isEmpty else { return true }
        let event: RecordedEvent
        do { event = try RecordedEvent(exportLine: line) } catch {
            throw CLIError("\(path):\(number): \(error)")
        }
        guard event.position <= limit else { return false }
        try sink(event)
        return true
    }
    if path == "-" {
        while let line = readLine(strippingNewline: true) { guard try take(line) else { return } }
    } else {
        for line in LineReader(path: path) { guard try take(line) else { return } }
    }
}

struct ImportLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-log",
        abstract: "Rebuild an identical log (same positions, same hashes, verified) in a new store from an export.",
        discussion: "Example: annals import-log annals-log.jsonl --into ./restored-store")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The export file ('-' for stdin).") var file: String
    @Option(help: ArgumentHelp("The new store's directory (must not hold a store).", valueName: "path")) var into: String

    func run() throws {
        let session = Session(options: global)
        if FileManager.default.fileExists(atPath: into + "/data.mdb") { throw CLIError("\(into) already holds a store; give a new directory") }
        let store = try ProjectedStore.restore(into: into) { sink in try readExport(file, sink) }
        defer { store.environment.close() }
        let report = try store.verify()
        guard report.isValid else { throw CLIError("the restored log does not verify: \(report.problem.map(String.init(describing:)) ?? "")", code: .verificationFailed) }
        if global.json {
            session.emit(.object(["store": .string(store.environment.path), "events": .integer(Int64(report.head.position)), "head": .string(report.head.hashHex)]))
        } else {
            session.say("restored \(report.head.position) events into \(store.environment.path); head \(report.head.hashHex) verified")
        }
    }
}

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay the log up to a time or position into a scratch store and show its aggregates then; the live store is untouched.",
        discussion: "Example: annals replay --until 2026-11-01T00:00:00Z --metric ngo-aid")

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("A time (recorded-at) or a log position.", valueName: "time|position")) var until: String
    @Option(help: "Only quantities of this metric.") var metric: String?
    @Option(help: ArgumentHelp("Keep the replayed store in this new directory.", valueName: "path")) var into: String?

    func run() throws {
        let session = Session(options: global)
        let live = try session.open()
        let limit = try UInt64(until) ?? live.position(at: session.end(until, option: "--until"))
        let scratch = into ?? NSTemporaryDirectory() + "annals-replay-\(UUID().uuidString)"
        defer { if into == nil { try? FileManager.default.removeItem(atPath: scratch) } }
        let replayed = try ProjectedStore.restore(into: scratch) { sink in
            try live.log.forEachEvent { event in
                guard event.position <= limit else { return false }
                try sink(event)
                return true
            }
        }
        live.environment.close()
        defer { replayed.environment.close() }
        let rows = try replayed.aggregates(family: metric == nil ? nil : "quantity").filter { metric == nil || $0.key.dimensions.first == metric }
        if global.json {
            session.emit(.object(["until": .integer(Int64(limit)), "articles": .integer(Int64(try replayed.count(.article))),
                                  "diplomacyEvents": .integer(Int64(try replayed.count(.diplomacyEvent)))]))
            rows.forEach { session.emit(.object(["family": .string($0.key.family), "year": .integer(Int64($0.key.year)),
                                                 "dimensions": .array($0.key.dimensions.map(JSONValue.string)),
                                                 "count": .integer($0.value.count), "sum": .string($0.value.sum.description)])) }
            return
        }
        session.say("replayed \(limit) events: \(try replayed.count(.article)) articles, \(try replayed.count(.diplomacyEvent)) diplomacy events\(into.map { " (kept in \($0))" } ?? "")")
        session.say(aggregateTable(rows))
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent, compacted hot copy of the store while writers keep running.",
        discussion: "Example: annals backup ./backup-2026-11-29")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A new (or empty) directory for the copy.") var directory: String

    func run() throws {
        let session = Session(options: global)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        guard files.isEmpty else { throw CLIError("\(directory) is not empty; back up into a new directory") }
        let store = try session.open()
        defer { store.environment.close() }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try store.environment.copy(to: directory, compact: true)
        let copy = try LMDBEventLog(path: directory, options: { var o = EnvironmentOptions(); o.createIfMissing = false; return o }())
        defer { copy.environment.close() }
        let report = try copy.verify()
        guard report.isValid else { throw CLIError("the copy does not verify: \(report.problem.map(String.init(describing:)) ?? "")", code: .verificationFailed) }
        if global.json {
            session.emit(.object(["backup": .string(directory), "events": .integer(Int64(report.head.position)), "head": .string(report.head.hashHex)]))
        } else {
            session.say("backed up \(report.head.position) events to \(directory); the copy verifies (head \(report.head.hashHex.prefix(16))…)")
        }
    }
}
