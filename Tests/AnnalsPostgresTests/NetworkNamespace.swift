import AnnalsTesting
import Foundation

/// A second machine on this one: a network namespace joined to this host by a veth pair, with
/// its own addresses, whose link the test can cut and restore. Needs root and `ip netns`.
final class NetworkNamespace: @unchecked Sendable {
    let name: String
    /// This host's end of the link, and the namespace's.
    let hostAddress: String
    let innerAddress: String
    let subnet: String
    private let hostLink: String

    /// Why namespaces cannot be made here, or nil.
    static let unavailable: String? = {
        guard getuid() == 0 else { return "SKIPPED: network namespaces need root" }
        guard let ip = ipTool else { return "SKIPPED: no ip tool (apt-get install iproute2)" }
        let probe = "annals-probe-\(getpid())"
        guard (try? ToolRun.run(ip, ["netns", "add", probe]))?.status == 0 else { return "SKIPPED: this machine cannot create network namespaces (ip netns add failed)" }
        _ = try? ToolRun.run(ip, ["netns", "del", probe])
        return nil
    }()

    static let ipTool = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }

    init() throws {
        let tag = Int(getpid() % 200) + 20
        name = "annals-\(getpid())"
        hostLink = "anh\(getpid() % 100_000)"
        let innerLink = "ann\(getpid() % 100_000)"
        hostAddress = "10.231.\(tag).1"
        innerAddress = "10.231.\(tag).2"
        subnet = "10.231.\(tag).0/24"
        try ip(["netns", "add", name])
        try ip(["link", "add", hostLink, "type", "veth", "peer", "name", innerLink])
        try ip(["link", "set", innerLink, "netns", name])
        try ip(["addr", "add", "\(hostAddress)/24", "dev", hostLink])
        try ip(["link", "set", hostLink, "up"])
        try ip(["netns", "exec", name, Self.ipTool ?? "ip", "addr", "add", "\(innerAddress)/24", "dev", innerLink])
        try ip(["netns", "exec", name, Self.ipTool ?? "ip", "link", "set", innerLink, "up"])
        try ip(["netns", "exec", name, Self.ipTool ?? "ip", "link", "set", "lo", "up"])
    }

    deinit {
        _ = try? ToolRun.run(Self.ipTool ?? "ip", ["link", "del", hostLink])
        _ = try? ToolRun.run(Self.ipTool ?? "ip", ["netns", "del", name])
    }

    /// Takes the link down: packets between the two machines are lost, connections hang.
    func cut() throws { try ip(["link", "set", hostLink, "down"]) }

    /// Brings the link back.
    func restore() throws { try ip(["link", "set", hostLink, "up"]) }

    /// Starts `executable` inside the namespace (the second machine).
    func start(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.ipTool ?? "ip")
        process.arguments = ["netns", "exec", name, executable] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func ip(_ arguments: [String]) throws {
        let result = try ToolRun.run(Self.ipTool ?? "ip", arguments)
        guard result.status == 0 else { throw ConformanceFailure("ip \(arguments.joined(separator: " ")): \(result.output)") }
    }
}
