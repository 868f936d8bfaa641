import AnnalsApplication
import AnnalsCore
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
        if let projection, !AnnalsService.projectionNames.contains(projection) {
            throw ValidationError("unknown projection \(projection): use \(AnnalsService.projectionNames.joined(separator: ", "))")
        }
    }

    func run() throws {
        let session = Session(options: global)
        let service = try session.open()
        defer { service.close() }
        let result = try service.rebuild(projection.map { [$0] } ?? [], wait: !noWait, waiting: {
            Console.current.error("annals: another rebuild or migrate holds this store's projections; waiting for it to finish\n")
        }, progress: session.progress("rebuild"))
        if global.json { return try session.emit(result) }
        session.say("rebuilt \(result.projections.joined(separator: ", ")) from \(result.events) events in \(String(format: "%.2f", result.seconds)) s")
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the hash chain, every index, every projection against a fresh rebuild, and signed checkpoints (exit 4 on failure).",
        discussion: """
        With --against, each checkpoint must be signed by the trusted key and its head still be in         the log at its position; a rewrite, a truncation or a rollback fails, naming the position.         On a backup, verify also checks the head the backup recorded.
        Example: annals verify --against ~/annals-checkpoints.jsonl
        """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: ArgumentHelp("A file of checkpoints (from annals checkpoint); repeatable.", valueName: "file"))
    var against: [String] = []
    @Option(name: .long, help: ArgumentHelp("The public key checkpoints must be signed with (default: that of --key's file).", valueName: "base64"))
    var trustedKey: String?
    @OptionGroup var keyOptions: KeyOptions
    @Flag(help: "Also fail when events after the newest checkpoint are not covered by one.") var requireCovered = false

    func run() throws {
        let session = Session(options: global)
        if SharedLog.isAddress(global.storePath) { return try verifyShared(session) }
        let checkpoints = try readCheckpoints(against)
        let trusted = checkpoints.isEmpty ? nil : try trustedKey ?? KeyFiles.load(from: keyOptions.keyPath).publicKeyText
        let service = try session.open(readOnly: true)
        defer { service.close() }
        let verdict = try service.verify(VerifyRequest(checkpoints: checkpoints, trustedKey: trusted, requireCovered: requireCovered))
        let result = verdict.store
        if global.json { try session.emit(verdict) }
        if let failure = verdict.failure {
            if failure.kind == .unavailable, result.problem == nil, !global.json {
                session.say("verified \(result.events) events here: hash chain, indexes and all \(result.projections) projections agree (head \(result.head.prefix(16))…)")
            }
            throw CLIError(failure.commandLineMessage, code: ExitCode(failure.kind))
        }
        guard !global.json else { return }
        session.say("verified \(result.events) events: hash chain, indexes and all \(result.projections) projections agree (head \(result.head.prefix(16))…)")
        if let shared = verdict.shared {
            session.say("follows \(shared.source): all \(shared.position) events here were read again from the shared log and match this store's chain; its head is at \(shared.sharedHead)"
                        + (shared.sharedHead > shared.position ? " (\(shared.sharedHead - shared.position) events not applied here yet)" : ""))
            for move in shared.switches {
                session.say("moved from \(move.from) to \(move.to) at \(move.at), when it held \(move.position) events (checked in the new log)")
            }
        }
        if let backup = verdict.backup {
            session.say("a backup of store \(backup.store) taken \(backup.copiedAt): its log ends at the head it recorded (position \(backup.position))")
        }
        sayCheckpoints(verdict, session)
    }
}

extension Verify {
    /// The checkpoints that matched, and how many events none covers yet.
    func sayCheckpoints(_ verdict: VerifyVerdict, _ session: Session) {
        for report in verdict.checkpoints { session.say("checkpoint of position \(report.position) signed \(report.signedAt) (\(report.file)): matches") }
        if let uncovered = verdict.uncovered, uncovered > 0 { session.say("\(uncovered) events after the newest checkpoint are not covered yet") }
    }

    /// `verify --store postgres://…`: the shared log's chain, positions, versions and head (it
    /// keeps no projections; a follower's verify checks those). Checkpoints work the same.
    func verifyShared(_ session: Session) throws {
        let checkpoints = try readCheckpoints(against)
        let trusted = checkpoints.isEmpty ? nil : try trustedKey ?? KeyFiles.load(from: keyOptions.keyPath).publicKeyText
        let verdict = try SharedLog.verify(global.storePath, VerifyRequest(checkpoints: checkpoints, trustedKey: trusted, requireCovered: requireCovered))
        if global.json { try session.emit(verdict) }
        if let failure = verdict.failure { throw CLIError(failure.commandLineMessage, code: ExitCode(failure.kind)) }
        guard !global.json else { return }
        session.say("verified \(verdict.store.events) events of the shared log: hash chain, positions and head agree (head \(verdict.store.head.prefix(16))…)")
        sayCheckpoints(verdict, session)
    }
}

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Counts, store size, map use, the log head, and each projection's position and version.",
        discussion: "Example: annals stats")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = Session(options: global)
        let service = try session.open(readOnly: true)
        defer { service.close() }
        let stats = try service.stats()
        if global.json { return try session.emit(stats) }
        var table = Table(["", ""])
        table.add(["store", stats.store])
        table.add(["records", stats.articles.map { "\($0) articles, \(stats.diplomacyEvents ?? 0) diplomacy events" } ?? "unknown: a projection is stale"])
        table.add(["log", "\(stats.events) events, head \(stats.headHash)"])
        if let follows = stats.follows { table.add(["follows", "\(follows) (a copy of its log up to the head above; annals follow keeps it up)"]) }
        table.add(["size", "\(stats.fileBytes / 1024) KiB on disk, \(stats.usedBytes / 1024) KiB used of a \(stats.mapBytes / 1024 / 1024) MiB map"])
        for s in stats.projections {
            table.add(["projection \(s.name)",
                       "at position \(s.position), version \(s.version.map(String.init) ?? "none")\(s.stale ? " — STALE: run annals rebuild --projection \(s.name)" : "")"])
        }
        session.say(table.render())
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the raw log as JSONL with hashes (what import-log reads).",
        discussion: """
        Also from a shared log: annals export --store postgres://USER@HOST:PORT/DB. An export holds the log only: users' \
        token hashes, kept outside it, are not in it (stderr says how many were left out); after import-log, give each \
        user a new token with annals user reset-token NAME. A backup carries them.
        Example: annals export > annals-log.jsonl
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Start at this position.") var since: UInt64 = 1
    @Flag(help: "Write payloads in the current schema (for reading; import-log takes only the stored form).") var upcast = false

    func run() throws {
        if SharedLog.isAddress(global.storePath) {
            if upcast { throw CLIError("--upcast needs a store (the shared log keeps events as stored): export from a follower's store", code: .usage) }
            return try SharedLog.forEachEntry(global.storePath, from: since) { Console.current.line(try $0.exportLine()) }
        }
        let service = try Session(options: global).open(readOnly: true)
        defer { service.close() }
        try service.forEachEntry(from: since, upcast: upcast) { Console.current.line(try $0.exportLine()) }
        let hashes = try service.tokenHashCount()
        if hashes > 0 {
            warn("annals: the export holds the log only; the token hashes of \(hashes) user\(hashes == 1 ? "" : "s"), kept outside it, are not in it "
                 + "(after import-log, give each a new token: annals user reset-token NAME)")
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
        abstract: "Rebuild an identical log (same positions, same hashes, verified) in a new store, or a shared log, from an export.",
        discussion: """
        Into a shared log (--into postgres://USER@HOST:PORT/DB, after annals migrate --store ADDRESS) the \
        database must be empty, or hold the export's first events (an interrupted import-log, which it continues).
        Example: annals import-log annals-log.jsonl --into ./restored-store
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The export file ('-' for stdin).") var file: String
    @Option(help: ArgumentHelp("The new store's directory (must not hold a store), or a shared log's address.", valueName: "path|address")) var into: String

    func run() throws {
        let session = Session(options: global)
        let result = SharedLog.isAddress(into) ? try SharedLog.restoreLog(into: into) { sink in try readExport(file, sink) }
            : try AnnalsService.restoreLog(into: into) { sink in try readExport(file, sink) }
        if global.json { return try session.emit(result) }
        session.say("restored \(result.events) events into \(result.store); head \(result.head) verified")
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
        let live = try session.open(readOnly: true)
        let limit = try UInt64(until) ?? live.position(at: session.end(until, option: "--until"))
        let scratch = into ?? NSTemporaryDirectory() + "annals-replay-\(UUID().uuidString)"
        defer { if into == nil { try? FileManager.default.removeItem(atPath: scratch) } }
        let replayed: AnnalsService
        do {
            defer { live.close() }
            replayed = try live.replay(until: limit, into: scratch)
        }
        defer { replayed.close() }
        let rows = try replayed.aggregates(try AggregateSelection(metric: metric), at: ReadMoment())
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
        // Read-only: a backup writes nothing to the store, which may be on read-only media.
        let service = try session.open(readOnly: true)
        defer { service.close() }
        let result = try service.backup(to: directory)
        // Users' token hashes live outside the log: a backup carries them (an export does not).
        let hashes = try service.tokenHashCount()
        if global.json {
            // Keyed "backup" as before the result types, which readers of this output rely on.
            return session.emit(.object(["backup": .string(directory), "events": .integer(Int64(result.events)), "head": .string(result.head),
                                         "tokenHashes": .integer(Int64(hashes))]))
        }
        session.say("backed up \(result.events) events to \(directory); the copy verifies (head \(result.head.prefix(16))…)")
        if hashes > 0 { session.say("the copy carries the token hashes of \(hashes) user\(hashes == 1 ? "" : "s"), kept outside the log") }
    }
}
