public import Foundation

/// A small tmpfs mounted for one test (full disks, read-only media), unmounted by `remove()`.
/// Mounting needs root (CI runs as root); elsewhere `make` returns nil and the reason to print.
public final class ScratchMount: @unchecked Sendable {
    public let path: String

    private init(path: String) { self.path = path }

    /// Mounts a tmpfs of `bytes` at a new temporary directory, or returns why it cannot.
    public static func make(bytes: Int) -> Result<ScratchMount, SkipReason> {
        let path = FileManager.default.temporaryDirectory.path + "/annals-mount-\(UUID().uuidString)"
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            return .failure(SkipReason("cannot create \(path): \(error)"))
        }
        guard run(["mount", "-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", path]) == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            return .failure(SkipReason("SKIPPED: mounting a tmpfs needs root (mount -t tmpfs failed)"))
        }
        return .success(ScratchMount(path: path))
    }

    /// Remounts read-only (true) or writable (false).
    @discardableResult
    public func remount(readOnly: Bool) -> Bool {
        Self.run(["mount", "-o", "remount,\(readOnly ? "ro" : "rw")", path]) == 0
    }

    /// Fills the file system up to its last block with a file named `filler`.
    public func fill() {
        _ = Self.run(["sh", "-c", "dd if=/dev/zero of=\"$0/filler\" bs=4096 2>/dev/null; sync", path])
    }

    public func remove() {
        _ = Self.run(["umount", path])
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Runs a command quietly and returns its exit status (-1 when it cannot start).
    @discardableResult
    public static func run(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Why a test could not run its scenario here.
public struct SkipReason: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
