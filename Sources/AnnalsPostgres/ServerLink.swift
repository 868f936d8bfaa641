import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// One connection to the server, opened when first needed and again after it broke, used by one
/// call at a time: every call of the log holds `serially` for its whole length, so a transaction
/// never shares the connection with another call.
///
/// Calls block the calling thread until postgres-nio's async work is done, so they must come from
/// threads that may block (the command line, a server's store thread, a test's thread), never
/// from a Swift-concurrency task. A call that gets no answer within `callTimeout` (a cut network)
/// closes the connection and fails as unavailable, so a caller never hangs on a dead link.
final class ServerLink: @unchecked Sendable {
    private var configuration: PostgresConnection.Configuration
    private let tls: PostgresTarget.TLSMode
    private let logger: Logger
    private let callTimeout: Duration
    private let calls = NSLock()
    private let current = Mutex<PostgresConnection?>(nil)
    private let counter = Atomic<Int>(0)

    init(_ target: PostgresTarget, logger: Logger, connectTimeout: Duration = .seconds(5), callTimeout: Duration = .seconds(20)) {
        var configuration = PostgresConnection.Configuration(host: target.host, port: target.port, username: target.user,
                                                             password: target.password, database: target.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(connectTimeout.components.seconds)
        // A client cut off mid-append must not hold the head row's lock (every other appender's
        // queue) until the server notices the dead connection, which can take hours: the server
        // ends a transaction left idle this long. An append's statements follow each other in
        // milliseconds.
        configuration.options.additionalStartupParameters = [("idle_in_transaction_session_timeout", "10s")]
        self.configuration = configuration
        tls = target.tls
        self.logger = logger
        self.callTimeout = callTimeout
    }

    /// Runs `work` on the connection (opening it first when there is none) and waits for it.
    func call<T: Sendable>(_ work: @escaping @Sendable (PostgresConnection) async throws -> T) throws -> T {
        calls.lock()
        defer { calls.unlock() }
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        // On a thread of its own, not Swift's shared pool, which blocked callers may fill.
        Task(executorPreference: ThreadExecutor.shared) { [self] in
            let result: Result<T, any Error>
            do { result = .success(try await work(try await connection())) } catch { result = .failure(Self.translated(error)) }
            if case .failure(let error as PostgresLogError) = result, error.isUnavailable { drop() }
            outcome.withLock { $0 = result }
            done.signal()
        }
        guard done.wait(timeout: .now() + .milliseconds(Int(callTimeout.components.seconds * 1000))) == .success else {
            drop()
            throw PostgresLogError("no answer from the PostgreSQL server at \(configuration.host ?? "?") within \(callTimeout.components.seconds) s; the connection was closed",
                                   isUnavailable: true)
        }
        guard let result = outcome.withLock({ $0 }) else { throw PostgresLogError("the call ended without a result") }
        return try result.get()
    }

    /// Closes the connection; the next call opens a new one.
    func drop() {
        let old = current.withLock { connection -> PostgresConnection? in
            defer { connection = nil }
            return connection
        }
        guard let old else { return }
        // postgres-nio requires a connection to be closed before it goes; it lives until then.
        let closing: EventLoopFuture<Void> = old.close()
        closing.whenComplete { _ in withExtendedLifetime(old) {} }
    }

    private func connection() async throws -> PostgresConnection {
        if let open = current.withLock({ $0 }), !open.isClosed { return open }
        let id = counter.add(1, ordering: .relaxed).newValue
        var configuration = self.configuration
        configuration.tls = try Self.tlsSetting(tls)
        let opened = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
                                                          id: id, logger: logger).get()
        current.withLock { $0 = opened }
        return opened
    }

    /// The connection's TLS from the address's `sslmode`.
    private static func tlsSetting(_ mode: PostgresTarget.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        var client = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .disable: return .disable
        case .prefer, .require:
            client.certificateVerification = .none
        case .verifyFull(let root):
            client.certificateVerification = .fullVerification
            if let root { client.trustRoots = .file(root) }
        }
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: client) } catch {
            throw PostgresLogError("cannot set up TLS for the PostgreSQL connection: \(error) (check sslrootcert)")
        }
        return mode == .prefer ? .prefer(context) : .require(context)
    }

    /// postgres-nio's errors as the log's own: one line, and whether the server could not be reached.
    private static func translated(_ error: any Error) -> any Error {
        switch error {
        case let error as PSQLError: return PostgresLogError(error)
        case let error as PostgresTransactionError:
            if let inner = error.closureError { return translated(inner) }
            // A commit that failed may or may not have been made: the caller's retry with the same
            // event ids tells (a stored append is returned as stored, never doubled).
            let cause = error.beginError ?? error.commitError ?? error.rollbackError
            if let cause = cause as? PSQLError { return PostgresLogError(cause) }
            return PostgresLogError("the transaction failed: \(cause.map { "\($0)" } ?? "no detail")", isUnavailable: true)
        case is ChannelError, is IOError:
            return PostgresLogError("the connection to the PostgreSQL server failed: \(error)", isUnavailable: true)
        default: return error
        }
    }
}
