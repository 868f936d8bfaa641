import AnnalsCore
import AnnalsLMDBLog
import AnnalsLMDB
import AnnalsMigrations
import AnnalsProjections
import AnnalsRecords
import ArgumentParser
import Foundation

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring a store to this annals' format: apply pending store-format migrations, then rebuild what they affect.",
        discussion: """
        Each migration runs in its own write transaction and is recorded in the store; a run that is \
        interrupted is completed by the next. A store migrated by a newer annals is refused.
        Example: annals migrate --plan; annals migrate
        """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Only list what would be done.") var plan = false

    func run() throws {
        let session = Session(options: global)
        var options = EnvironmentOptions()
        options.createIfMissing = false
        let log = try LMDBEventLog(path: global.storePath, options: options, openingOlderFormat: true)
        defer { log.environment.close() }
        let migrations = try MigrationSet.embedded()
        let migrator = StoreMigrator(migrations)
        if let unknown = try migrator.unknownApplied(in: log).first {
            throw CLIError("the store was migrated by a newer annals (migration \(unknown)); upgrade annals, the store was not touched")
        }
        let pending = migrator.pending(for: log)
        var rebuilds = Set(pending.flatMap { migration -> [String] in
            if case .storeFormat(_, _, _, let names) = migration.kind { return names }
            return []
        })
        rebuilds.formUnion(try ProjectedStore.status(of: log).filter(\.isStale).map(\.projection.rawValue))
        let rebuildList = ProjectionName.allCases.map(\.rawValue).filter(rebuilds.contains)

        if plan {
            if global.json {
                session.emit(.object(["format": .integer(Int64(log.format)), "pending": .array(pending.map { .string($0.id) }),
                                      "rebuilds": .array(rebuildList.map(JSONValue.string))]))
                return
            }
            session.say("store format \(log.format); this annals writes format \(LMDBEventLog.formatVersion)")
            if pending.isEmpty { session.say("no store-format migration pending") }
            for migration in pending {
                var rebuildsOf = "none"
                if case .storeFormat(_, _, _, let names) = migration.kind, !names.isEmpty { rebuildsOf = names.joined(separator: ", ") }
                session.say("pending \(migration.id): \(migration.description) (rebuilds: \(rebuildsOf))")
            }
            session.say(rebuildList.isEmpty ? "no projection to rebuild" : "projections to rebuild: \(rebuildList.joined(separator: ", "))")
            return
        }
        for migration in pending {
            try migrator.apply(migration, to: log)
            if !global.json { session.say("applied \(migration.id)") }
        }
        let store = try ProjectedStore(log: log)
        let names = Set(rebuildList.compactMap(ProjectionName.init(rawValue:)))
        if !names.isEmpty {
            let report = try store.rebuild(names, progress: session.progress("rebuild"))
            if !global.json { session.say("rebuilt \(report.projections.map(\.rawValue).joined(separator: ", ")) from \(report.events) events") }
        }
        if global.json {
            session.emit(.object(["applied": .array(pending.map { .string($0.id) }), "rebuilt": .array(rebuildList.map(JSONValue.string)),
                                  "format": .integer(Int64(log.format))]))
        } else if pending.isEmpty && names.isEmpty {
            session.say("the store is up to date (format \(log.format))")
        }
    }
}

struct CheckUpcasts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-upcasts",
        abstract: "Decode every stored event through the current upcasters, writing nothing; report each that fails.",
        discussion: "Run it before deploying a new schema. Example: annals check-upcasts")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = Session(options: global)
        var options = EnvironmentOptions()
        options.createIfMissing = false
        options.readOnly = true
        let log = try LMDBEventLog(path: global.storePath, options: options, openingOlderFormat: true)
        defer { log.environment.close() }
        let upcaster = try Upcaster.embedded()
        var checked = 0
        var failures: [(RecordedEvent, String)] = []
        try log.forEachEvent { stored in
            checked += 1
            do {
                let event = try upcaster.upcast(stored)
                guard let (type, kind) = EditKind.parse(event.type) else { return true }
                let payload = try JSONValue.parse(event.payload)
                switch kind {
                case .created:
                    guard let document = payload["record"] else { throw CLIError("no record in the payload") }
                    _ = try Record.decode(document, as: type)
                case .corrected: _ = try RecordPayload.changes(in: payload)
                case .linked, .unlinked: _ = try RecordPayload.linkEnds(in: payload)
                case .retracted, .restored: break
                }
            } catch {
                failures.append((stored, "\(error)"))
            }
            return true
        }
        for (event, problem) in failures {
            if global.json {
                session.emit(.object(["position": .integer(Int64(event.position)), "type": .string(event.type),
                                      "schemaVersion": .integer(Int64(event.schemaVersion)), "problem": .string(problem)]))
            } else {
                session.say("position \(event.position): \(event.type) v\(event.schemaVersion): \(problem)")
            }
        }
        guard failures.isEmpty else {
            throw CLIError("\(failures.count) of \(checked) events do not decode through the current upcasters (listed above)")
        }
        if !global.json { session.say("all \(checked) events decode through the current upcasters") }
    }
}
