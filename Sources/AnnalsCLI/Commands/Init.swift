import AnnalsProjections
import ArgumentParser
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create an empty store.",
        discussion: "Example: annals init --store ./annals-store")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let path = global.storePath
        if FileManager.default.fileExists(atPath: path + "/data.mdb") {
            throw CLIError("\(path) already holds a store; use it, or give another --store")
        }
        let store = try ProjectedStore(path: path, create: true)
        defer { store.environment.close() }
        let session = Session(options: global)
        if global.json {
            session.emit(.object(["store": .string(store.environment.path), "created": .bool(true)]))
        } else {
            session.say("created an empty store at \(store.environment.path)")
        }
    }
}
