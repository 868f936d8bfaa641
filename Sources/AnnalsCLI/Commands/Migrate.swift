import AnnalsApplication
import AnnalsCore
import ArgumentParser
import Foundation

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring a store to this annals' format: apply pending store-format migrations, then rebuild what they affect.",
        discussion: """
        Each migration runs in its own write transaction and is recorded in the store; a run that is \
        interrupted is completed by the next. A store migrated by a newer annals is refused. With \
        --store postgres://USER@HOST:PORT/DB it sets up or updates a shared log's schema.
        Example: annals migrate --plan; annals migrate
        """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Only list what would be done.") var plan = false

    func run() throws {
        let session = Session(options: global)
        if SharedLog.isAddress(global.storePath) { return try migrateShared(session) }
        if plan {
            let plan = try StoreMigrations.plan(at: global.storePath)
            if global.json { return try session.emit(plan) }
            session.say("store format \(plan.format); this annals writes format \(plan.currentFormat)")
            if plan.pending.isEmpty { session.say("no store-format migration pending") }
            for step in plan.pending {
                session.say("pending \(step.id): \(step.description) (rebuilds: \(step.rebuilds.isEmpty ? "none" : step.rebuilds.joined(separator: ", ")))")
            }
            session.say(plan.rebuilds.isEmpty ? "no projection to rebuild" : "projections to rebuild: \(plan.rebuilds.joined(separator: ", "))")
            return
        }
        let done = try StoreMigrations.migrate(at: global.storePath, applied: { id in
            if !global.json { session.say("applied \(id)") }
        }, rebuilding: session.progress("rebuild"))
        if global.json {
            session.emit(.object(["applied": .array(done.plan.pending.map { .string($0.id) }), "rebuilt": .array(done.plan.rebuilds.map(JSONValue.string)),
                                  "format": .integer(Int64(done.format))]))
        } else if let rebuilt = done.rebuilt {
            session.say("rebuilt \(rebuilt.projections.joined(separator: ", ")) from \(rebuilt.events) events")
        } else if done.plan.pending.isEmpty {
            session.say("the store is up to date (format \(done.format))")
        }
    }
}

extension Migrate {
    /// `migrate --store postgres://…`: the shared log's schema, from the SQL files under
    /// migrations/postgres, each applied once and recorded in annals_migrations.
    func migrateShared(_ session: Session) throws {
        if plan {
            let pending = try SharedLog.pendingMigrations(global.storePath)
            if global.json { return session.emit(.object(["pending": .array(pending.map(JSONValue.string))])) }
            session.say(pending.isEmpty ? "the shared log's schema is up to date" : "pending schema migrations: \(pending.joined(separator: ", "))")
            return
        }
        let result = try SharedLog.migrate(global.storePath)
        if global.json { return try session.emit(result) }
        for id in result.applied { session.say("applied \(id)") }
        if result.applied.isEmpty { session.say("the shared log's schema is up to date (\(result.all.joined(separator: ", ")))") }
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
        let (checked, failures) = try StoreMigrations.checkUpcasts(at: global.storePath)
        for failure in failures {
            if global.json {
                try session.emit(failure)
            } else {
                session.say("position \(failure.position): \(failure.type) v\(failure.schemaVersion): \(failure.problem)")
            }
        }
        guard failures.isEmpty else {
            throw CLIError("\(failures.count) of \(checked) events do not decode through the current upcasters (listed above)")
        }
        if !global.json { session.say("all \(checked) events decode through the current upcasters") }
    }
}
