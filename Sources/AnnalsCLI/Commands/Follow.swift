import AnnalsApplication
import ArgumentParser
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `annals follow`: keep a local store's projections up with a shared log.
struct Follow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep a local store up with a shared PostgreSQL log: its copy of the log and every projection, applied as events commit.",
        discussion: """
        The store (--store) is created when missing and becomes the shared log's follower: every read \
        command works on it, and edits made through it (annals correct …, annals serve) go to the \
        shared log and return once applied here. Each batch of events and the projections' checkpoint \
        commit together, so a follower stopped or killed at any moment resumes without gap or double. \
        Stops on SIGTERM or SIGINT; waits and retries while the shared log cannot be reached. The \
        password comes from PGPASSWORD or the file PGPASSFILE_ANNALS names. A follower keeps the \
        database it follows: another address is refused unless --switch-source asks for the move.
        Example: annals follow --from postgres://annals@db1:5432/annals --store ./annals-follower
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The shared log: postgres://USER@HOST:PORT/DB.", valueName: "address")) var from: String
    @Flag(help: "Apply what the shared log holds now, then stop.") var once = false
    @Option(help: "How often to look for new events when caught up, in milliseconds.") var interval = 20
    @Flag(help: "Move a follower to another database (a restored copy, a new primary): every event it holds is first checked in the new one, and the move is recorded in the store.")
    var switchSource = false

    func validate() throws {
        guard SharedLog.isAddress(from) else { throw ValidationError("--from \(from) is not a shared log: give postgres://USER@HOST:PORT/DB") }
        guard !SharedLog.isAddress(global.storePath) else { throw ValidationError("--store is the local directory to keep up to date, not an address") }
        if interval < 1 { throw ValidationError("--interval must be at least 1 millisecond") }
    }

    func run() throws {
        let session = Session(options: global)
        if !once { StopSignal.install() }
        // A follower started while the shared log is down (a machine booting before its database)
        // waits for it; --once, and any other failure, ends with the error.
        var started: SharedLogFollower?
        var waiting = false
        while started == nil {
            do {
                started = try SharedLogFollower.start(from: from, store: global.storePath, switching: switchSource)
            } catch where !once && Failure(error)?.kind == .unavailable {
                if !waiting { Self.sayUnreachable(describe(error).0) }
                waiting = true
                Thread.sleep(forTimeInterval: 1)
                if StopSignal.requested { return }
            }
        }
        guard let following = started else { return }
        defer { following.close() }
        let address = following.address
        let report: (SharedLogFollower.Event) -> Void = { event in
            switch event {
            case let .applied(position, target):
                if global.json { session.emit(.object(["applied": .integer(Int64(position)), "target": .integer(Int64(target))])) }
            case let .caughtUp(position):
                if global.json { session.emit(.object(["caughtUp": .integer(Int64(position))])) }
                else { session.say("annals: \(global.storePath) follows \(address) up to position \(position)") }
            case let .unavailable(problem):
                Self.sayUnreachable(problem)
            }
            fflush(nil)
        }
        if once {
            _ = try following.catchUp(report)
            return
        }
        let pacing = LogPacing(idle: .milliseconds(interval))
        try following.run(pacing: pacing, stop: { StopSignal.requested }, report)
        if !global.json { session.say("annals: stopped at position \(try following.position())") }
    }

    /// One line on stderr when the shared log cannot be reached (said once per outage).
    private static func sayUnreachable(_ problem: String) {
        warn("annals: the shared log cannot be reached (\(problem)); retrying every second")
    }
}

/// SIGTERM and SIGINT ask a long-running command to stop between two steps.
enum StopSignal {
    private static let flag = Atomic<Bool>(false)

    static var requested: Bool { flag.load(ordering: .relaxed) }

    static func install() {
        #if canImport(Glibc)
        // A parent may have started this process with the signals blocked (they are inherited):
        // unblock them, or a stop request would wait forever.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        signal(SIGTERM) { _ in StopSignal.flag.store(true, ordering: .relaxed) }
        signal(SIGINT) { _ in StopSignal.flag.store(true, ordering: .relaxed) }
        #endif
    }
}
