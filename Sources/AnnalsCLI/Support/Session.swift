import AnnalsApplication
import AnnalsCore
import AnnalsRecords
import Foundation

/// What every command needs: the store, the output mode, the display zone.
struct Session {
    let options: GlobalOptions

    /// Opens the existing store; a missing one is an error and nothing is created. `readOnly`
    /// opens it without write access: nothing is written, so it works on a read-only copy.
    func open(readOnly: Bool = false) throws -> AnnalsService {
        if SharedLog.isAddress(options.storePath) {
            throw CLIError("a shared log keeps no projections: read and edit through a follower's store (annals follow --from \(options.storePath) --store DIR, then --store DIR); "
                           + "migrate, verify, export and import-log --into take the address itself", code: .usage)
        }
        let service = try AnnalsService.open(at: options.storePath, readOnly: readOnly, sharedLogPatience: try Self.sharedLogPatience())
        if service.readsWithoutLock {
            warn("annals: reading without the store's lock file (missing, or not writable by you); results are exact unless a writer runs meanwhile")
        }
        // A writable open catches up; a read-only one writes nothing, so it says what it cannot show.
        if readOnly, let behind = try? service.lag(), behind > 0 {
            Console.current.error("annals: the projections are \(behind) events behind (written by a tool that keeps only the log); "
                                  + "they show the store without them until the next edit or annals rebuild\n")
        }
        return service
    }

    /// How long an edit on a follower's store waits for an unreachable shared log:
    /// $ANNALS_SHARED_LOG_PATIENCE seconds, else the default (15 s).
    static func sharedLogPatience() throws -> Duration {
        guard let text = Console.current.environment["ANNALS_SHARED_LOG_PATIENCE"], !text.isEmpty else { return AnnalsService.defaultSharedLogPatience }
        guard let seconds = Int(text), (1...3600).contains(seconds) else {
            throw CLIError("invalid ANNALS_SHARED_LOG_PATIENCE \(text.debugDescription): give whole seconds from 1 to 3600 (default 15)", code: .usage)
        }
        return .seconds(seconds)
    }

    func time(_ timestamp: Timestamp) -> String { TimeFormat.show(timestamp, zone: options.tz) }

    /// The start of the time the user named (for --since).
    func start(_ text: String, option: String) throws -> Timestamp {
        try TimeFormat.moment(text, option: option, zone: options.tz)
    }

    /// The end of the time the user named (for --as-of, --until, --diff): all of it included.
    func end(_ text: String, option: String) throws -> Timestamp {
        try TimeFormat.moment(text, option: option, zone: options.tz, end: true)
    }

    /// A line (or lines) on stdout, escaped for a terminal (`terminalText`).
    func say(_ text: String) { Console.current.line(terminalText(text)) }

    /// One JSON document on stdout.
    func emit(_ value: JSONValue) { Console.current.line(value.description) }

    /// A result of the application layer as one JSON document on stdout (keys sorted, one line).
    func emit(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        Console.current.line(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// A one-line progress bar on stderr, only when stderr is a terminal (never under CI or pipes).
    func progress(_ label: String) -> ((UInt64, UInt64) -> Void)? {
        let console = Console.current
        guard console.errorsReachTerminal else { return nil }
        return { done, total in
            let fraction = total == 0 ? 1 : Double(done) / Double(total)
            let filled = Int(fraction * 30)
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled)
            console.error("\r\(label) \(bar) \(done)/\(total)\(done >= total ? "\n" : "")")
        }
    }

    /// Reads a record id argument, saying which argument was wrong.
    static func recordID(_ text: String, expected: RecordType? = nil) throws -> RecordID {
        let id = try RecordID(text)
        if let expected, id.type != expected { throw RecordError.wrongRecordType(id: text, expected: expected.phrase) }
        return id
    }
}

/// A value for people: text bare, anything else as compact JSON.
func plain(_ value: JSONValue?) -> String {
    switch value {
    case nil, .null?: return "—"
    case .string(let text)?: return shown(text)
    case let other?: return other.description
    }
}

/// The declared actor, and the operating-system account that ran the edit when it is another
/// name: `Minh Anh (account: root)`.
func who(_ metadata: EventMetadata) -> String {
    guard let account = metadata.account, account != metadata.actor else { return shown(metadata.actor) }
    return "\(shown(metadata.actor)) (account: \(shown(account)))"
}

/// The lines of one edit for people: a heading, then each field old → new.
func editLines(_ entry: AuditEntry, session: Session, showRecord: Bool) -> [String] {
    let event = entry.event
    var heading = "v\(event.streamVersion)  \(session.time(event.recordedAt))"
    if let effective = event.metadata.effectiveAt { heading += " (effective \(session.time(effective)))" }
    heading += "  \(who(event.metadata))  \(shown(entry.kind?.verb ?? event.type))"
    if showRecord { heading = "#\(event.position)  \(entry.record?.rawValue ?? event.stream.rawValue)  " + heading }
    if let reason = event.metadata.reason { heading += "  — \(shown(reason))" }
    var lines = [heading]
    switch entry.kind {
    case .created?:
        lines.append("    created with \(entry.changes.count) fields")
    case .corrected?:
        for change in entry.changes { lines.append("    \(change.field): \(clip(plain(change.old), 60)) → \(clip(plain(change.new), 60))") }
    case .linked?, .unlinked?:
        if let payload = try? JSONValue.parse(event.payload) {
            lines.append("    \(plain(payload["article"])) ↔ \(plain(payload["event"]))")
        }
    default: break
    }
    return lines
}
