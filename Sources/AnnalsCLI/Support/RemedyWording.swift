import AnnalsApplication
import AnnalsCore

extension Remedy {
    /// The remedy as the command to run at this command line.
    var commandLine: String {
        switch self {
        case .rebuild(let projection?): "run: annals rebuild --projection \(projection)"
        case .rebuild(nil): "run: annals rebuild"
        case .verifyThenRebuild(let projection): "run annals verify, then annals rebuild --projection \(projection)"
        case .migrate: "run: annals migrate --plan, then annals migrate"
        case .migrateSharedLog(let address): "run: annals migrate --store \(address)"
        case .verifyThenRestore: "run annals verify, then restore from a backup or an export"
        case .verify: "run annals verify"
        case .createStore: "create it first (annals init) or check the path"
        case .chooseStore: "point --store at an Annals store, or run annals init on an empty folder"
        case .recreateStore: "remove the folder and run annals init, or restore a backup (annals restore)"
        case .restoreBackup: "restore it from a backup (annals restore)"
        case .writableCopy: "writes need a writable copy (annals backup, then use the copy)"
        case .followerCatchesUp(let store): "annals follow --store \(store) applies it once the shared log answers"
        case .checkSharedLog(let address): "check the shared log (annals verify --store \(address)) and start a new follower if it was rebuilt"
        case .switchSource: "to move the follower there on purpose, add --switch-source, which first checks that it holds this follower's whole history"
        case .followIntoNewDirectory: "run annals follow --from ADDRESS --store DIR on a new directory"
        case .checkHistoryThenRetry: "check with annals history, then run the command again"
        case .resetToken(let user): "give the user a new token with annals user reset-token \(user)"
        }
    }
}

extension Failure {
    /// The failure as one line for this command line's user.
    var commandLineMessage: String { message(wording: \.commandLine) }
}
