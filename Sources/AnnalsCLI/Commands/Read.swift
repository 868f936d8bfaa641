import AnnalsApplication
import AnnalsCore
import AnnalsRecords
import ArgumentParser
import Foundation

/// Prints a record's state for people: its bookkeeping, then its fields.
func printState(_ state: RecordState, session: Session, heading: String? = nil) {
    if let heading { session.say(heading) }
    var table = Table(["field", "value"])
    table.add(["id", state.id.rawValue])
    table.add(["version", "\(state.version)\(state.retracted ? "  (retracted)" : "")"])
    table.add(["created", "\(session.time(state.createdAt)) by \(state.createdBy)"])
    table.add(["changed", "\(session.time(state.changedAt)) by \(state.changedBy)"])
    if case .object(let fields) = state.document {
        for key in fields.keys.sorted() where key != "id" {
            switch fields[key] {
            case .array(let items)? where key == "paragraphs":
                for (i, item) in items.enumerated() { table.add(["\(key)[\(i)]", clip(plain(item), 100)]) }
            case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }):
                table.add([key, items.compactMap(\.stringValue).joined(separator: "; ")])
            default:
                table.add([key, clip(plain(fields[key]), 100)])
            }
        }
    }
    session.say(table.render())
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a record now, or as the store knew it at an earlier time or log position.",
        discussion: "Example: annals show event/lang-son-2021-ngo-aid --as-of 2026-11-01T00:00:00Z")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The record's id.") var id: String
    @Option(name: .customLong("as-of"), help: ArgumentHelp("As the store knew it at this time (recorded-at).", valueName: "time")) var asOf: String?
    @Option(name: .customLong("at"), help: ArgumentHelp("As it was at this log position.", valueName: "position")) var position: UInt64?
    @Option(name: .customLong("effective"),
            help: ArgumentHelp("As it stood at this time in its own timeline (each edit at its effective time); with --as-of or --at, as the store believed then.", valueName: "time"))
    var effective: String?

    func validate() throws {
        if asOf != nil && position != nil { throw ValidationError("give --as-of or --at, not both") }
    }

    func run() throws {
        let session = Session(options: global)
        let recordID = try Session.recordID(id)
        let moment = ReadMoment(asOf: try asOf.map { try session.end($0, option: "--as-of") }, at: position,
                                effective: try effective.map { try session.end($0, option: "--effective") })
        let service = try session.open(readOnly: true)
        defer { service.close() }
        guard let state = try service.record(recordID, at: moment) else {
            if !moment.isNow, try service.currentVersion(of: recordID) != nil {
                throw CLIError("\(recordID) did not exist yet at \(effective.map { "\($0) (effective)" } ?? asOf ?? "position \(position ?? 0)")")
            }
            throw RecordError.unknownRecord(id: recordID.rawValue)
        }
        if global.json { try session.emit(RecordView(state)) } else { printState(state, session: session) }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List records of one type, filtered.",
        discussion: "Example: annals list event --year 2021 --kind aid-received --counterpart \"quang tay\"")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "article or event") var type: RecordKindArgument
    @Option(help: "The record's own year (publication year, event year).") var year: Int?
    @Option(help: "An article's source site.") var source: String?
    @Option(help: "An article's category slug.") var category: String?
    @Option(help: "A diplomacy event's kind.") var kind: String?
    @Option(help: "A counterpart's name (ignoring case and diacritics).") var counterpart: String?
    @Flag(help: "List retracted records instead of live ones.") var retracted = false
    @Option(help: "At most this many.") var limit: Int?

    func run() throws {
        let session = Session(options: global)
        if let kind { _ = try EventKind(kind) }
        let service = try session.open(readOnly: true)
        defer { service.close() }
        let states = try service.list(type.type, filter: RecordFilter(year: year, source: source, category: category, kind: kind,
                                                                    counterpart: counterpart, retracted: retracted, limit: limit ?? .max))
        if global.json {
            try states.forEach { try session.emit(RecordView($0)) }
            return
        }
        var table = Table(["id", type == .article ? "published" : "date", "title", "version"])
        for state in states {
            table.add([state.id.rawValue, plain(state.document[type == .article ? "publishedAt" : "date"]),
                       clip(plain(state.document["title"]), 60), "\(state.version)"])
        }
        session.say(table.render())
        session.say("\(states.count) record\(states.count == 1 ? "" : "s")")
    }
}

struct Find: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find live records by words, ignoring case and Vietnamese diacritics.",
        discussion: "Example: annals find \"hoi nghi ngoai giao\"")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The words to find (every one must occur).") var text: String
    @Option(help: "At most this many.") var limit: Int?

    func run() throws {
        let session = Session(options: global)
        let service = try session.open(readOnly: true)
        defer { service.close() }
        let states = try service.find(text, limit: limit ?? .max)
        if global.json {
            try states.forEach { try session.emit(RecordView($0)) }
            return
        }
        var table = Table(["id", "title"])
        for state in states { table.add([state.id.rawValue, clip(plain(state.document["title"]), 80)]) }
        session.say(table.render())
        session.say("\(states.count) found")
    }
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A record's timeline: each version, when, who, what kind of edit, each field old → new, why.",
        discussion: "Example: annals history event/lang-son-2021-ngo-aid")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The record's id.") var id: String
    @Flag(help: "Show each event as stored, in the schema it was written in (no upcasting).") var raw = false

    func run() throws {
        let session = Session(options: global)
        let recordID = try Session.recordID(id)
        let service = try session.open(readOnly: true)
        defer { service.close() }
        if raw {
            for event in try service.storedHistory(of: recordID) {
                if global.json { session.say(try event.exportLine()) } else {
                    session.say("v\(event.streamVersion)  #\(event.position)  \(session.time(event.recordedAt))  \(shown(event.metadata.actor))  \(shown(event.type)) v\(event.schemaVersion)")
                    session.say("    \(event.payloadText)")
                }
            }
            return
        }
        for entry in try service.history(of: recordID) {
            if global.json { try session.emit(EditView(entry)) } else { editLines(entry, session: session, showRecord: false).forEach(session.say) }
        }
    }
}

struct Blame: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "For each field of a record, who last set it, when and why.",
        discussion: "Example: annals blame event/lang-son-2021-ngo-aid")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The record's id.") var id: String

    func run() throws {
        let session = Session(options: global)
        let recordID = try Session.recordID(id)
        let service = try session.open(readOnly: true)
        defer { service.close() }
        let lines = try service.blame(recordID)
        if global.json {
            for line in lines { try session.emit(BlameView(line)) }
            return
        }
        var table = Table(["field", "set by", "recorded", "effective", "edit", "why"])
        for line in lines {
            table.add([line.path == line.field ? line.field : line.path, line.event.metadata.actor, session.time(line.event.recordedAt),
                       line.event.metadata.effectiveAt.map(session.time) ?? "same", "v\(line.event.streamVersion) \(line.kind.verb)",
                       clip(line.event.metadata.reason ?? "—", 50)])
        }
        session.say(table.render())
    }
}

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Edits newest first, by actor, record, time range or kind, with each field old → new and the reason.",
        discussion: "Example: annals audit --actor auditor --since 2026-11-01")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this actor's edits.") var actor: String?
    @Option(help: ArgumentHelp("Only edits recorded at or after this time.", valueName: "time")) var since: String?
    @Option(help: ArgumentHelp("Only edits recorded at or before this time.", valueName: "time")) var until: String?
    @Option(help: "Only this record's edits.") var record: String?
    @Option(help: "Only this kind: create, correct, retract, restore, link, unlink.") var kind: String?
    @Option(help: "At most this many.") var limit: Int?

    func run() throws {
        let session = Session(options: global)
        let kindValue = try kind.map { name in
            guard let match = EditKind(verb: name) else {
                throw CLIError("unknown --kind \"\(name)\": use \(EditKind.verbs.joined(separator: ", "))", code: .usage)
            }
            return match
        }
        let filter = AuditFilter(actor: actor, record: try record.map { try Session.recordID($0) },
                                 since: try since.map { try session.start($0, option: "--since") },
                                 until: try until.map { try session.end($0, option: "--until") }, kind: kindValue, limit: limit ?? .max)
        let service = try session.open(readOnly: true)
        defer { service.close() }
        let entries = try service.audit(filter)
        for entry in entries {
            if global.json { try session.emit(EditView(entry)) } else { editLines(entry, session: session, showRecord: true).forEach(session.say) }
        }
        if !global.json { session.say("\(entries.count) edit\(entries.count == 1 ? "" : "s")") }
    }
}
