public import AnnalsApplication

/// How `annals serve` listens and what it accepts.
public struct ServerConfiguration: Sendable {
    public static let defaultMaxBodyBytes = 2 << 20

    /// Address to bind: 127.0.0.1 unless told otherwise.
    public var host: String
    /// Port; 0 picks a free one (printed when listening).
    public var port: Int
    /// The largest request body accepted; larger ones get 413. A record is at most 1 MiB of JSON.
    public var maxBodyBytes: Int
    /// How long a request may take, reading its body included, before it gets 503: a slow client
    /// cannot hold the write path.
    public var requestTimeoutSeconds: Double
    /// Connections idle this long are closed.
    public var idleTimeoutSeconds: Double
    /// The longest a failed login waits before its answer (each failure from a client in the last
    /// minute doubles the wait from 100 ms); 0 answers at once.
    public var maxLoginDelayMilliseconds: Int
    /// Sign-in attempts that reach a token check allowed per client address, and per user name,
    /// in any minute; past it, 429 with Retry-After and no check (a proven token is not counted).
    public var loginAttemptsPerMinute: Int
    /// Token checks (bcrypt, about 70 ms of one core each) run at once, on threads of their own;
    /// 16 more per thread may wait, and past that a sign-in gets 503 at once.
    public var tokenCheckThreads: Int
    /// The most edits that share one synced commit (group commit); 1 commits each edit alone.
    public var editsPerCommit: Int
    public static let defaultEditsPerCommit = 256
    /// On a follower's store: how long an edit waits for an unreachable shared log before it fails.
    public var sharedLogPatience: Duration

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = defaultMaxBodyBytes,
                requestTimeoutSeconds: Double = 30, idleTimeoutSeconds: Double = 60, maxLoginDelayMilliseconds: Int = 5_000,
                loginAttemptsPerMinute: Int = 30, tokenCheckThreads: Int = 1,
                editsPerCommit: Int = defaultEditsPerCommit, sharedLogPatience: Duration = AnnalsService.defaultSharedLogPatience) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxLoginDelayMilliseconds = maxLoginDelayMilliseconds
        self.loginAttemptsPerMinute = loginAttemptsPerMinute
        self.tokenCheckThreads = tokenCheckThreads
        self.editsPerCommit = editsPerCommit
        self.sharedLogPatience = sharedLogPatience
    }
}
