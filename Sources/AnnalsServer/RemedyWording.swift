import AnnalsApplication
import AnnalsCore

extension Remedy {
    /// The remedy as a client of this server can act on it: a route an administrator calls, or
    /// what the server's operator does on its machine.
    var serverClient: String {
        switch self {
        case .rebuild: "an administrator rebuilds the projections (POST /rebuild)"
        case .verifyThenRebuild: "an administrator verifies the store (POST /verify), then rebuilds the projections (POST /rebuild)"
        case .verify: "an administrator verifies the store (POST /verify)"
        case .migrate: "the server's operator migrates the store"
        case .migrateSharedLog: "the server's operator migrates the shared log"
        case .verifyThenRestore: "an administrator verifies the store (POST /verify); the server's operator restores it from a backup or an export"
        case .followerCatchesUp: "this server applies it once the shared log answers; read the record again later"
        case .checkHistoryThenRetry: "read the record's history (GET /history/{id}), then send the edit again if it is not there"
        case .resetToken(let user): "an administrator gives the user a new token (POST /users/\(user)/reset-token)"
        case .createStore, .chooseStore, .recreateStore, .restoreBackup, .writableCopy,
             .checkSharedLog, .switchSource, .followIntoNewDirectory:
            "the server's operator must " + neutral
        }
    }
}

extension Failure {
    /// The failure as one line for a client of this server.
    var clientMessage: String { message(wording: \.serverClient) }
}
