import AnnalsApplication
import AnnalsCore
import AnnalsRecords
import ArgumentParser
import Foundation

/// The record type as the CLI names it: `article` or `event` (`RecordType(word:)`).
enum RecordKindArgument: String, ExpressibleByArgument, CaseIterable {
    case article, event
    var type: RecordType { RecordType(word: rawValue) ?? .article }
}

/// Prints what an edit did, in both output modes.
func report(_ result: EditResult, session: Session) throws {
    if session.options.json { return try session.emit(result) }
    session.say("\(result.edit) \(result.id) (now version \(result.version))")
    for change in result.changes { session.say("    \(change.field): \(clip(plain(change.old), 60)) → \(clip(plain(change.new), 60))") }
}

func context(_ write: WriteOptions, _ session: Session) throws -> EditContext {
    EditContext(actor: try write.resolvedActor(), reason: write.reason, correlationID: .random(),
                effectiveAt: try write.effective.map { try session.start($0, option: "--effective") })
}

struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a record from a JSON file or from --set fields.",
        discussion: """
        Example: annals create event --set id=event/2023-03-14-border-talks --set kind=meeting \\
          --set "title=Hội đàm biên giới" --set date=2023-03-14 --actor "Minh Anh"
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions
    @Argument(help: "article or event") var type: RecordKindArgument
    @Option(name: .long, help: ArgumentHelp("A JSON file holding the record's fields.", valueName: "file")) var file: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("A field: field=value (lists and objects as JSON).", valueName: "field=value")) var fields: [String] = []

    func validate() throws {
        if (file == nil) == fields.isEmpty { throw ValidationError("give either --file FILE or at least one --set field=value") }
    }

    func run() throws {
        var document: JSONValue
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
            do { document = try JSONValue.parseInput(Array(data)) } catch {
                throw CLIError("\(file) is not valid JSON; fix it and try again")
            }
        } else {
            document = .object([:])
            for field in fields {
                let (path, value) = try FieldPath.assignment(field, in: document)
                document = try document.setting(path, to: value ?? .null)
            }
        }
        guard case .object(var members) = document else { throw CLIError("the record must be a JSON object") }
        members["recordType"] = .string(type.type.rawValue)
        let (record, links) = try RecordInput.record(from: .object(members))
        guard links.isEmpty else { throw CLIError("links are made with annals link after the create; remove them from the record") }
        let session = Session(options: global)
        let service = try session.open()
        defer { service.close() }
        try report(try service.create(record, context: context(write, session)), session: session)
    }
}

struct Correct: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Correct fields of a record; each change keeps its old and new value.",
        discussion: """
        The value is read as the field's current type: text, a whole number, or JSON for lists. An empty value \
        removes an optional field. Nested fields: viewCount.count, quantities[0].value.
        Example: annals correct event/lang-son-2021-ngo-aid --set "quantities[0].value=1108745" --reason "Báo cáo quyết toán"
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions
    @OptionGroup var version: VersionOption
    @Argument(help: "The record's id.") var id: String
    @Option(name: .customLong("set"), help: ArgumentHelp("The new value: field=value.", valueName: "field=value")) var fields: [String] = []

    func validate() throws {
        if fields.isEmpty { throw ValidationError("give at least one --set field=value") }
        if write.reason?.contains(where: { !$0.isWhitespace }) != true { throw ValidationError("a correction needs --reason TEXT") }
    }

    func run() throws {
        let session = Session(options: global)
        let recordID = try Session.recordID(id)
        let service = try session.open()
        defer { service.close() }
        try report(try service.correct(recordID, setting: fields, expectedVersion: version.expectedVersion, context: context(write, session)), session: session)
    }
}

struct Retract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Retract a record (a soft delete: its history stays, it leaves lists, search and aggregates).",
        discussion: "Example: annals retract event/lang-son-2020-ngo-aid --reason \"Số liệu suy ra, chưa kiểm chứng\"")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions
    @OptionGroup var version: VersionOption
    @Argument(help: "The record's id.") var id: String

    func validate() throws {
        if write.reason?.contains(where: { !$0.isWhitespace }) != true { throw ValidationError("a retraction needs --reason TEXT") }
    }

    func run() throws {
        let session = Session(options: global)
        let recordID = try Session.recordID(id)
        let service = try session.open()
        defer { service.close() }
        try report(try service.retract(recordID, expectedVersion: version.expectedVersion, context: context(write, session)), session: session)
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a retracted record.",
        discussion: "Example: annals restore event/lang-son-2020-ngo-aid --reason \"Đã kiểm chứng\"")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions
    @OptionGroup var version: VersionOption
    @Argument(help: "The record's id.") var id: String

    func validate() throws {
        if write.reason?.contains(where: { !$0.isWhitespace }) != true { throw ValidationError("a restore needs --reason TEXT") }
    }

    func run() throws {
        let session = Session(options: global)
        let recordID = try Session.recordID(id)
        let service = try session.open()
        defer { service.close() }
        try report(try service.restore(recordID, expectedVersion: version.expectedVersion, context: context(write, session)), session: session)
    }
}

struct Link: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Link an article and the diplomacy event it reports (both records show the link).",
        discussion: "Example: annals link article/baolangson.vn/476767 event/lang-son-2021-ngo-aid")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions
    @Argument(help: "The article's id.") var article: String
    @Argument(help: "The diplomacy event's id.") var event: String

    func run() throws { try linkOrUnlink(global, write, article, event, unlink: false) }
}

/// Link and unlink share everything but the direction.
private func linkOrUnlink(_ global: GlobalOptions, _ write: WriteOptions, _ article: String, _ event: String, unlink: Bool) throws {
    let session = Session(options: global)
    let articleID = try Session.recordID(article, expected: .article)
    let eventID = try Session.recordID(event, expected: .diplomacyEvent)
    let service = try session.open()
    defer { service.close() }
    let result = try service.link(article: articleID, event: eventID, unlink: unlink, context: context(write, session))
    if global.json {
        try session.emit(result)
    } else {
        session.say("\(unlink ? "unlinked" : "linked") \(articleID) ↔ \(eventID)")
    }
}

struct Unlink: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove the link between an article and a diplomacy event (from both).",
        discussion: "Example: annals unlink article/baolangson.vn/476767 event/lang-son-2020-ngo-aid --reason \"Nhầm nguồn\"")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions
    @Argument(help: "The article's id.") var article: String
    @Argument(help: "The diplomacy event's id.") var event: String

    func run() throws { try linkOrUnlink(global, write, article, event, unlink: true) }
}
