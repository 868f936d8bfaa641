import AnnalsApplication
@testable import AnnalsCLI
import AnnalsCore
@testable import AnnalsServer
import Logging
import Testing

/// The layers below name a problem and its remedy; each front words the remedy for its users.
@Suite("Remedies worded by each front")
struct RemedyWordingTests {
    static let every: [Remedy] = [
        .rebuild(projection: "search"), .rebuild(projection: nil), .verifyThenRebuild(projection: "records"), .migrate,
        .migrateSharedLog(address: "postgres://db/annals"),
        .verifyThenRestore, .verify, .createStore, .chooseStore, .recreateStore, .restoreBackup, .writableCopy,
        .followerCatchesUp(store: "/srv/annals"), .checkSharedLog(address: "postgres://db/annals"), .switchSource,
        .followIntoNewDirectory, .checkHistoryThenRetry, .resetToken(user: "lan"),
    ]

    @Test("one failure: the command line names the command, an HTTP client reads the route, the problem is the same")
    func oneFailureTwoWordings() {
        let problem = "the search projection was built by projection version 9, this annals needs version 10"
        let error = ApplicationError(problem, remedy: .rebuild(projection: "search"))
        let (line, code) = describe(error)
        #expect(line == problem + "; run: annals rebuild --projection search")
        #expect(code == .error)
        let answer = APIError.from(error, logger: Logger(label: "test"))
        #expect(answer.status == .badRequest)
        #expect(answer.message == problem + "; an administrator rebuilds the projections (POST /rebuild)")
        #expect(error.description == problem + "; rebuild the search projection")
    }

    @Test("an HTTP client never reads a command line or a flag, and each front words every remedy its own way")
    func serverWordsNoCommand() {
        for remedy in Self.every {
            #expect(!remedy.serverClient.contains("annals ") && !remedy.serverClient.contains("--"), "\(remedy): \(remedy.serverClient)")
            #expect(remedy.commandLine != remedy.serverClient && remedy.commandLine != remedy.neutral, "\(remedy)")
        }
        #expect(Set(Self.every.map(\.commandLine)).count == Self.every.count)
    }
}
