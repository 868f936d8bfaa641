/// What fixes a failure, named as an action rather than as one front's command. The layers below
/// the application name the problem (the field, the value) and its remedy; the CLI and the server
/// each word the remedy for their own users (a command line, or what an administrator asks of the
/// server). `neutral` words it for any reader: logs, tests and callers of the library.
public enum Remedy: Sendable, Equatable {
    /// Rebuild one projection's tables from the log (nil: every projection).
    case rebuild(projection: String?)
    /// Check the log's chain first, then rebuild the projection.
    case verifyThenRebuild(projection: String)
    /// Bring the store's format up to this program's, after reading the plan.
    case migrate
    /// Apply the shared log's pending schema migrations (`address`: the shared log).
    case migrateSharedLog(address: String)
    /// Check the log's chain, then restore the store from a backup or an export.
    case verifyThenRestore
    /// Check the log's chain.
    case verify
    /// No store at the path: create one there, or give another path.
    case createStore
    /// The folder holds no store: give a store's folder, or create one in an empty folder.
    case chooseStore
    /// The store's creation or copy was cut short: remove the folder and create the store again,
    /// or restore a backup.
    case recreateStore
    /// The store's files are damaged: restore them from a backup.
    case restoreBackup
    /// The store is on read-only media: writes need a writable copy, made by a backup.
    case writableCopy
    /// A follower's catch-up, once the shared log answers again, applies what the shared log
    /// holds (`store`: the follower's store).
    case followerCatchesUp(store: String)
    /// The shared log at `address` no longer holds a follower's history: check it, and start a new
    /// follower if it was rebuilt.
    case checkSharedLog(address: String)
    /// A follower moves to another shared log only when asked to, after a check that it holds the
    /// follower's whole history.
    case switchSource
    /// A follower's store is made by following a shared log into a new directory.
    case followIntoNewDirectory
    /// The outcome of a write is unknown: read the record's history, then send the edit again if
    /// it is not there.
    case checkHistoryThenRetry
    /// A user's token could not be kept: give the user a new one.
    case resetToken(user: String)

    /// The remedy in words no front owns.
    public var neutral: String {
        switch self {
        case .rebuild(let projection?): "rebuild the \(projection) projection"
        case .rebuild(nil): "rebuild the projections"
        case .verifyThenRebuild(let projection): "verify the log, then rebuild the \(projection) projection"
        case .migrate: "migrate the store (read the plan first)"
        case .migrateSharedLog(let address): "migrate the shared log at \(address)"
        case .verifyThenRestore: "verify the log, then restore from a backup or an export"
        case .verify: "verify the log"
        case .createStore: "create a store there first, or check the path"
        case .chooseStore: "give a store's folder, or create a store in an empty folder"
        case .recreateStore: "remove the folder and create the store again, or restore a backup"
        case .restoreBackup: "restore it from a backup"
        case .writableCopy: "make a writable copy (a backup) and write to it"
        case .followerCatchesUp(let store): "the follower \(store) applies it once the shared log answers"
        case .checkSharedLog: "check the shared log, and start a new follower if it was rebuilt"
        case .switchSource: "switch the follower's source on purpose, which first checks that the new log holds this follower's whole history"
        case .followIntoNewDirectory: "follow the shared log into a new directory"
        case .checkHistoryThenRetry: "check the record's history, then send the edit again"
        case .resetToken(let user): "give the user \(user) a new token"
        }
    }

    /// What `error` says went wrong, without its remedy: for a message that wraps it and gives a
    /// remedy of its own.
    public static func problem(of error: any Error) -> String {
        (error as? any RemediedError)?.problem ?? "\(error)"
    }

    /// `problem`, then the remedy as `wording` gives it (none: the problem alone).
    public static func line(_ problem: String, _ remedy: Remedy?, wording: (Remedy) -> String = \.neutral) -> String {
        guard let remedy else { return problem }
        return problem + "; " + wording(remedy)
    }
}

/// An error that names its problem and its remedy apart, so that each front words the remedy for
/// its own users. Its `description` is `Remedy.line(problem, remedy)`.
public protocol RemediedError: Error {
    /// What went wrong: the field, the value, what was and was not written.
    var problem: String { get }
    /// What fixes it, when something the user can do does.
    var remedy: Remedy? { get }
}
