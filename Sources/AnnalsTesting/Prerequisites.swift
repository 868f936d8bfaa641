import Foundation

/// What a test needs from the machine (a PostgreSQL server, Chromium, schemathesis, network
/// namespaces). On a developer's machine a missing one makes its tests say SKIPPED and why; under
/// `CI=true` it is a failure, since CI installs everything the tests use and a skip there would
/// hide a test that no longer runs.
public enum Prerequisites {
    /// True under `CI=true`.
    public static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Under CI, the failure that `missing` (a "SKIPPED: …" reason, or nil when all is there)
    /// means for `what`; nil elsewhere, where the tests that need it skip with the reason.
    public static func failure(_ missing: String?, for what: String) -> String? {
        guard inCI, let missing else { return nil }
        return "CI must run \(what), but: \(missing)"
    }
}
