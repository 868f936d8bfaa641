import AnnalsCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A hidden folder beside a target directory where a backup or a restore is built, moved into
/// place only once complete: a run that fails or is killed never leaves a half-made target, so the
/// same command can simply be run again. Its name carries the process id of its maker
/// (`.annals-partial-KIND-NAME-PID-UUID`), so a later run removes what a killed one left.
struct StagingFolder {
    let path: String

    private static func prefix(kind: String, target: String) -> String {
        ".annals-partial-\(kind)-\(PathText.lastComponent(target))-"
    }

    /// A new staging path for `target` (not created), after removing those whose maker is gone.
    static func make(kind: String, for target: String) -> StagingFolder {
        removeAbandoned(kind: kind, for: target)
        let name = prefix(kind: kind, target: target) + "\(getpid())-\(UUID.random().uuidString)"
        return StagingFolder(path: PathText.join(PathText.parent(target), name))
    }

    /// Removes the staging folders for `target` whose maker process no longer runs (killed).
    static func removeAbandoned(kind: String, for target: String) {
        let parent = PathText.parent(target), start = prefix(kind: kind, target: target)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where name.hasPrefix(start) {
            guard let pid = Int32(name.dropFirst(start.count).prefix { $0 != "-" }), pid > 0 else { continue }
            let running = kill(pid, 0) == 0 || errno == EPERM
            if !running { try? FileManager.default.removeItem(atPath: PathText.join(parent, name)) }
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
