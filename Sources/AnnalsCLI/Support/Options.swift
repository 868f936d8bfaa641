import ArgumentParser
import Foundation

/// Where the store is and how to print: shared by every command.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store directory (default: $ANNALS_STORE, else ./annals-store).", valueName: "path"))
    var store: String?

    @Flag(name: .long, help: "Print machine-readable JSON on stdout (JSONL for lists).")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Time zone for displayed times: UTC (default), +07:00, or a name such as Asia/Ho_Chi_Minh.", valueName: "zone"))
    var tz: String?

    var storePath: String {
        if let store, !store.isEmpty { return store }
        if let path = Console.current.environment["ANNALS_STORE"], !path.isEmpty { return path }
        return "./annals-store"
    }

    func validate() throws {
        if let tz { _ = try TimeFormat.zone(tz) }
    }
}

/// Who writes and why: shared by every command that appends.
struct WriteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Who makes the change (default: $ANNALS_ACTOR, else your login name).", valueName: "name"))
    var actor: String?

    @Option(name: .long, help: ArgumentHelp("Why (required for corrections, retractions and restores).", valueName: "text"))
    var reason: String?

    @Option(name: .long, help: ArgumentHelp("When the change took effect in the world, if not now: a report's date (2022-03-15). Read by show --effective.", valueName: "time"))
    var effective: String?

    /// The actor: the option, else $ANNALS_ACTOR, else the login name; never empty.
    func resolvedActor() throws -> String {
        let candidates = [actor, Console.current.environment["ANNALS_ACTOR"], Console.current.environment["USER"],
                          ProcessInfo.processInfo.userName]
        if let actor { guard actor.contains(where: { !$0.isWhitespace }) else { throw CLIError("--actor is empty; name who makes the change", code: .usage) }; return actor }
        guard let found = candidates.dropFirst().compactMap({ $0 }).first(where: { $0.contains { !$0.isWhitespace } }) else {
            throw CLIError("no actor: give --actor NAME or set ANNALS_ACTOR", code: .usage)
        }
        return found
    }
}

/// Optimistic concurrency for one record's edit.
struct VersionOption: ParsableArguments {
    @Option(name: .customLong("expected-version"),
            help: ArgumentHelp("Refuse (exit 3) unless the record is still at this version: the one you edited.", valueName: "n"))
    var expectedVersion: UInt64?
}
