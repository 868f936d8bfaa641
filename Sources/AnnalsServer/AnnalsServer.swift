import AnnalsApplication
import Foundation
import Hummingbird
public import Logging
import NIOCore

/// `annals serve`: the store over HTTP, JSON in and out (described in `docs/openapi.yaml`), with
/// the actor of every edit the authenticated user, a live log subscription, and the history
/// browser at `/`. The CLI keeps working beside it (LMDB serialises writers across processes).
/// On a follower's store, edits go to the shared log and are answered once applied here (a client
/// reads its own writes), and the shared log's other events are applied between requests.
public enum AnnalsServer {
    /// Serves the store at `path` until SIGTERM or SIGINT, then stops accepting, lets requests in
    /// flight finish (an acknowledged edit is a synced commit) and closes the store.
    /// `onListening` gets the bound port once the server accepts connections.
    public static func run(storePath path: String, configuration: ServerConfiguration, logger: Logger,
                           onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let gate = try StoreGate(path: path, editsPerCommit: configuration.editsPerCommit, sharedLogPatience: configuration.sharedLogPatience)
        let (router, checks) = makeRouter(gate: gate, configuration: configuration, logger: logger)
        let app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(configuration.idleTimeoutSeconds * 1000)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "annals"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
        let following = gate.isFollower ? Task { await SharedLogPolling.run(gate: gate, logger: logger) } : nil
        func finish() async {
            following?.cancel()
            await following?.value
            await gate.close()
            let groups = gate.groupCounts
            logger.info("group commits", metadata: ["commits": .stringConvertible(groups.commits), "edits": .stringConvertible(groups.edits),
                                                    "largest": .stringConvertible(groups.largest)])
            await checks.shutdown()
            let counts = checks.counts
            logger.info("token checks", metadata: ["run": .stringConvertible(counts.run), "peak": .stringConvertible(counts.peak),
                                                   "limit": .stringConvertible(checks.limit), "refused": .stringConvertible(counts.refused)])
        }
        do {
            try await app.runService()
        } catch {
            await finish()
            throw error
        }
        await finish()
    }

    /// Every route over `gate`, with its middleware: what `run` serves, and what tests drive in
    /// process. The token checks' pool is returned for shutting down once the server stops.
    static func makeRouter(gate: StoreGate, configuration: ServerConfiguration, logger: Logger) -> (Router<APIContext>, TokenChecks) {
        let router = Router(context: APIContext.self)
        router.addMiddleware {
            RequestLog(logger: logger)
            ErrorMiddleware()
        }
        BrowserRoutes().register(router)
        TokenCheck.prepare()
        let checks = TokenChecks(limit: configuration.tokenCheckThreads, queueLimit: 16 * configuration.tokenCheckThreads)
        let throttle = LoginThrottle(perMinute: configuration.loginAttemptsPerMinute, maximumDelay: configuration.maxLoginDelayMilliseconds)
        let authenticated = router.group().add(middleware: AuthMiddleware(gate: gate, proven: ProvenTokens(), throttle: throttle, checks: checks))
        func group(_ permission: Permission) -> RouterGroup<APIContext> {
            authenticated.group().add(middleware: RequirePermission(permission: permission))
        }
        RecordRoutes(gate: gate, configuration: configuration)
            .register(readers: group(.read), editors: group(.edit), historians: group(.history))
        AuditRoutes(gate: gate).register(readers: group(.read), auditors: group(.audit))
        LogStream(gate: gate).register(auditors: group(.audit))
        AdminRoutes(gate: gate, configuration: configuration).register(admins: group(.admin))
        return (router, checks)
    }
}
