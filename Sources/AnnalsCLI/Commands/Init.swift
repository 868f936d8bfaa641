import AnnalsApplication
import ArgumentParser
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create an empty store.",
        discussion: "Example: annals init --store ./annals-store")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let service = try AnnalsService.create(at: global.storePath)
        defer { service.close() }
        let session = Session(options: global)
        if global.json {
            session.emit(.object(["store": .string(service.path), "created": .bool(true)]))
        } else {
            session.say("created an empty store at \(service.path)")
        }
    }
}
