import AnnalsApplication
import AnnalsCore
import ArgumentParser
import Foundation

/// Where the signing key is: `--key`, else $ANNALS_KEY, else the user's config folder.
struct KeyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The checkpoint key file (default: $ANNALS_KEY, else ~/.config/annals/checkpoint.key).", valueName: "path"))
    var key: String?

    var keyPath: String { key ?? KeyFiles.defaultPath(environment: Console.current.environment) }
}

struct Key: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or show the Ed25519 key that signs checkpoints (kept outside the store, mode 0600).",
        subcommands: [KeyInit.self, KeyShow.self])
}

struct KeyInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new checkpoint key; an existing key file is never replaced.",
        discussion: "Example: annals key init. Give the printed public key to whoever verifies checkpoints.")

    @OptionGroup var keyOptions: KeyOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let key = try KeyFiles.create(at: keyOptions.keyPath)
        if json {
            Console.current.line(JSONValue.object(["key": .string(keyOptions.keyPath), "publicKey": .string(key.publicKeyText)]).description)
        } else {
            Console.current.line("created \(keyOptions.keyPath) (mode 0600); public key \(key.publicKeyText)")
        }
    }
}

struct KeyShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the public key of the checkpoint key (what verifiers trust).")

    @OptionGroup var keyOptions: KeyOptions

    func run() throws {
        Console.current.line(try KeyFiles.load(from: keyOptions.keyPath).publicKeyText)
    }
}

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print a signed statement of the log's head (store, position, hash, time); keep it away from the store.",
        discussion: """
        Later, annals verify --against FILE fails, naming the position, if the log no longer holds \
        that head: history rewritten, truncated, or the store rolled back to an older copy.
        Example: annals checkpoint >> ~/annals-checkpoints.jsonl
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var keyOptions: KeyOptions

    func run() throws {
        let key = try KeyFiles.load(from: keyOptions.keyPath)
        if SharedLog.isAddress(global.storePath) { return Console.current.line(try SharedLog.checkpoint(global.storePath, key: key).line()) }
        let service = try Session(options: global).open(readOnly: true)
        defer { service.close() }
        Console.current.line(try service.checkpoint(key: key).line())
    }
}

/// Reads the checkpoint files `verify --against` names.
func readCheckpoints(_ files: [String]) throws -> [(file: String, checkpoint: Checkpoint)] {
    try files.flatMap { file -> [(file: String, checkpoint: Checkpoint)] in
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read the checkpoint file \(file)") }
        return try Checkpoint.read(String(decoding: data, as: UTF8.self), file: file).map { (file, $0) }
    }
}
