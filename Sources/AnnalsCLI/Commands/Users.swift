import AnnalsApplication
import AnnalsCore
import AnnalsRecords
import ArgumentParser
import Foundation

/// Users of `annals serve`: each change is an event in the log, made by the --actor, so the audit
/// shows who granted what.
struct User: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the users of annals serve: add (prints a token once), list, role, disable, enable, reset-token.",
        discussion: """
        Roles: reader (read records and aggregates), editor (also edit, and read history and blame), \
        auditor (read everything, every user's edits and the audit, but not edit), admin (everything, \
        users, verify, rebuild). Only a bcrypt hash of a token is kept.
        Example: annals user add lan --role editor --actor "Quản trị"
        """,
        subcommands: [UserAdd.self, UserList.self, UserRole.self, UserDisable.self, UserEnable.self, UserResetToken.self])
}

/// A role as the command line takes it.
enum RoleArgument: String, ExpressibleByArgument, CaseIterable {
    case reader, editor, auditor, admin
    var role: Role { Role(rawValue: rawValue) ?? .reader }
}

/// Options every user change takes.
struct UserChangeOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @OptionGroup var write: WriteOptions

    func context(_ session: Session) throws -> EditContext {
        EditContext(actor: try write.resolvedActor(), reason: write.reason, correlationID: .random())
    }
}

func say(_ account: UserAccount, session: Session, token: String? = nil) {
    if session.options.json {
        var object: [String: JSONValue] = ["name": .string(account.name), "role": .string(account.role.rawValue),
                                           "disabled": .bool(account.disabled), "addedAt": .string(account.addedAt.description),
                                           "addedBy": .string(account.addedBy)]
        if let token { object["token"] = .string(token) }
        return session.emit(.object(object))
    }
    session.say("\(account.name)  \(account.role.rawValue)\(account.disabled ? "  disabled" : "")  added \(session.time(account.addedAt)) by \(shown(account.addedBy))")
    if let token { session.say("token (shown once; only a hash is kept): \(token)") }
}

struct UserAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a user and print its API token, once.",
                                                    discussion: "Example: annals user add lan --role editor")
    @OptionGroup var options: UserChangeOptions
    @Argument(help: "The user's name: a-z, 0-9, '.', '_', '-'.") var name: String
    @Option(help: "reader, editor, auditor or admin.") var role: RoleArgument

    func run() throws {
        let session = Session(options: options.global)
        let service = try session.open()
        defer { service.close() }
        let (account, token) = try service.addUser(name, role: role.role, context: options.context(session))
        say(account, session: session, token: token)
    }
}

struct UserList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every user, its role and whether it is disabled.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = Session(options: global)
        let service = try session.open(readOnly: true)
        defer { service.close() }
        let users = try service.users()
        users.forEach { say($0, session: session) }
        if !global.json { session.say("\(users.count) user\(users.count == 1 ? "" : "s")") }
    }
}

struct UserRole: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "role", abstract: "Change a user's role.",
                                                    discussion: "Example: annals user role lan auditor --reason \"chuyển sang kiểm toán\"")
    @OptionGroup var options: UserChangeOptions
    @Argument var name: String
    @Argument(help: "reader, editor, auditor or admin.") var role: RoleArgument

    func run() throws {
        let session = Session(options: options.global)
        let service = try session.open()
        defer { service.close() }
        say(try service.setRole(of: name, to: role.role, context: options.context(session)), session: session)
    }
}

struct UserDisable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a user: its token is refused from the next request on.")
    @OptionGroup var options: UserChangeOptions
    @Argument var name: String

    func run() throws { try setDisabled(name, true, options) }
}

struct UserEnable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled user again.")
    @OptionGroup var options: UserChangeOptions
    @Argument var name: String

    func run() throws { try setDisabled(name, false, options) }
}

private func setDisabled(_ name: String, _ disabled: Bool, _ options: UserChangeOptions) throws {
    let session = Session(options: options.global)
    let service = try session.open()
    defer { service.close() }
    say(try service.setDisabled(name, disabled, context: options.context(session)), session: session)
}

struct UserResetToken: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reset-token", abstract: "Give a user a new token (printed once); the old one stops working.")
    @OptionGroup var options: UserChangeOptions
    @Argument var name: String

    func run() throws {
        let session = Session(options: options.global)
        let service = try session.open()
        defer { service.close() }
        let (account, token) = try service.resetToken(of: name, context: options.context(session))
        say(account, session: session, token: token)
    }
}
