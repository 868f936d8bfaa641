import AnnalsTesting
import Foundation
import Synchronization

/// A private PostgreSQL cluster for the tests: Debian's server binaries, a copy of one `initdb`'s
/// data directory in a temporary directory, `pg_ctl` on a free loopback port, trust
/// authentication for the user `annals`. As root it runs as the `postgres` account (the server
/// refuses root). Stopped when released.
final class PostgresCluster: @unchecked Sendable {
    let directory: String
    let port: Int
    private let bin: String
    private let asPostgres: Bool

    /// Why no cluster can be started here, or nil.
    static let missing: String? = binaries == nil ? "SKIPPED: no PostgreSQL server binaries (apt-get install postgresql; tools/setup.sh --server-tests does it)" : nil

    static let binaries: String? = {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        return versions.map { "\(root)/\($0)/bin" }.first { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") }
    }()

    init() throws {
        guard let bin = Self.binaries else { throw ConformanceFailure(Self.missing ?? "") }
        self.bin = bin
        asPostgres = getuid() == 0
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("annals-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = Self.freePort()
        if asPostgres { try run("/bin/chown", ["-R", "postgres:postgres", directory], asPostgres: false) }
        try run("/bin/cp", ["-a", try Self.templateData(bin: bin, asPostgres: asPostgres), "\(directory)/data"])
        try start()
    }

    /// The data directory `initdb` makes, made once per test run: each cluster starts from a copy
    /// (a tenth of initdb's CPU, and the test runs start a dozen clusters).
    private static func templateData(bin: String, asPostgres: Bool) throws -> String {
        try template.value { folder in
            if asPostgres { try run("/bin/chown", ["-R", "postgres:postgres", folder.path], asPostgres: false) }
            try run("\(bin)/initdb", ["-D", folder.appending("data"), "-A", "trust", "-U", "annals", "--no-sync", "-E", "UTF8"],
                    asPostgres: asPostgres)
            return folder.appending("data")
        }
    }

    private static let template = RunTemplate<String>(prefix: "annals-pg-template")

    /// One cluster the parameterised cases share, started by the first that asks and stopped when
    /// the test process exits. Cases that stop, restart or reconfigure a server start their own.
    static func shared() throws -> PostgresCluster {
        try sharedCluster.withLock { shared in
            if let shared { return try shared.get() }
            let started = Result { try PostgresCluster() }
            shared = started
            atexit { PostgresCluster.stopShared() }
            return try started.get()
        }
    }

    private static let sharedCluster = Mutex<Result<PostgresCluster, any Error>?>(nil)

    /// Lets go of the shared cluster: its last reference goes, which stops it.
    private static func stopShared() {
        sharedCluster.withLock { $0 = nil }
    }

    /// Starts the server (again), listening on `listen` (loopback unless given).
    func start(listen: String = "127.0.0.1") throws {
        try run("\(bin)/pg_ctl", ["-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "-o",
                                  "-p \(port) -k \(directory) -c listen_addresses=\(listen) -c fsync=off", "start"])
    }

    /// Restarts the server listening on `address` too, trusting clients from `subnet` (a second
    /// machine's network), as a server reached over a network is set up.
    func listen(on address: String, trusting subnet: String) throws {
        let hba = "\(directory)/data/pg_hba.conf"
        let rules = (try String(contentsOfFile: hba, encoding: .utf8)) + "host all all \(subnet) trust\n"
        try rules.write(toFile: hba, atomically: false, encoding: .utf8)
        try stop()
        try start(listen: "127.0.0.1,\(address)")
    }

    /// Restarts the server with TLS on (a self-signed certificate for 127.0.0.1, made with
    /// openssl) and plain connections refused. Returns the certificate's path, to trust.
    func requireTLS() throws -> String {
        let certificate = "\(directory)/server.crt", key = "\(directory)/server.key"
        try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                                     "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate])
        try run("/bin/chmod", ["600", key])
        let hba = "\(directory)/data/pg_hba.conf"
        let rules = "hostnossl all all 0.0.0.0/0 reject\n" + (try String(contentsOfFile: hba, encoding: .utf8))
        try rules.write(toFile: hba, atomically: false, encoding: .utf8)
        try stop()
        try run("\(bin)/pg_ctl", ["-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "-o",
                                  "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on -c ssl_cert_file=\(certificate) -c ssl_key_file=\(key)",
                                  "start"])
        return certificate
    }

    /// Stops the server at once, as a crash or a failover would (clients' connections break).
    func stop() throws {
        try run("\(bin)/pg_ctl", ["-D", "\(directory)/data", "-m", "immediate", "-w", "stop"])
    }

    deinit {
        _ = try? run("\(bin)/pg_ctl", ["-D", "\(directory)/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Creates an empty database and returns its address.
    func database(_ name: String) throws -> String {
        try run("\(bin)/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "annals", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                                "-c", "CREATE DATABASE \"\(name)\""])
        return "postgres://annals@127.0.0.1:\(port)/\(name)"
    }

    /// Runs SQL in a database (as a person with psql would, outside annals); returns what it printed.
    @discardableResult
    func sql(_ database: String, _ statement: String) throws -> String {
        try run("\(bin)/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "annals", "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", statement])
    }

    /// Runs a tool to completion with posix_spawn and waitpid (Foundation's Process loses the
    /// exit of a tool whose children, here the server pg_ctl starts, live on), its output in a file
    /// and no other descriptor of the test process.
    /// As postgres, a tool starts in "/": in a folder that user cannot enter (a private temporary
    /// clone) it would warn on stderr, and the warning would join its answer.
    @discardableResult
    private func run(_ tool: String, _ arguments: [String], asPostgres: Bool? = nil) throws -> String {
        try Self.run(tool, arguments, asPostgres: asPostgres ?? self.asPostgres)
    }

    @discardableResult
    private static func run(_ tool: String, _ arguments: [String], asPostgres: Bool) throws -> String {
        let command = (asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--", "/usr/bin/env", "-C", "/"] : []) + [tool] + arguments
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("annals-pg-tool-\(UUID().uuidString.prefix(8)).out").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else the test process has open goes to the tool, or to the server pg_ctl leaves
        // running: a pipe another test is reading would otherwise stay open, and that read would
        // wait for the server to stop.
        closeFrom?(&actions, 3)
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw ConformanceFailure("cannot start \(command[0]): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exit = (status >> 8) & 0xFF
        guard status & 0x7F == 0, exit == 0 else {
            throw ConformanceFailure("\(command.joined(separator: " ")) ended with status \(status): \(text.suffix(800))")
        }
        return text
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc
    /// module leaves out: found at run time, nil where the C library has none.
    static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// A port nothing listens on now.
    private static func freePort() -> Int {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(sock) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &length) } }
        return Int(UInt16(bigEndian: bound.sin_port))
    }
}
