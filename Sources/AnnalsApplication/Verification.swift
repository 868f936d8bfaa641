public import AnnalsCore
import Foundation

/// What a verification is asked to check beyond the store itself: signed checkpoints, the key
/// they must be signed with, and whether every event must be covered by one.
public struct VerifyRequest: Sendable {
    public var checkpoints: [(file: String, checkpoint: Checkpoint)]
    /// The public key (base64) the checkpoints must be signed with; needed when there are some.
    public var trustedKey: String?
    /// Also fail when events after the newest matching checkpoint are not covered by one.
    public var requireCovered: Bool

    public init(checkpoints: [(file: String, checkpoint: Checkpoint)] = [], trustedKey: String? = nil, requireCovered: Bool = false) {
        self.checkpoints = checkpoints
        self.trustedKey = trustedKey
        self.requireCovered = requireCovered
    }
}

/// The one verdict of `annals verify` and `POST /verify`: the store's own check (chain, indexes,
/// projections), each checkpoint's finding, a backup's recorded head, a follower's agreement with
/// its shared log, and the first failure among them. Its JSON has the keys of `VerifyResult`
/// (`ok` and `problem` are the verdict's), then `checkpoints`, and `backup`, `uncovered` and
/// `shared` when they apply.
public struct VerifyVerdict: Encodable, Sendable {
    /// The store's own check.
    public let store: VerifyResult
    public let checkpoints: [CheckpointReport]
    /// The head a backup recorded, when the store is one.
    public let backup: BackupHead?
    /// Events after the newest matching checkpoint (nil without checkpoints).
    public let uncovered: UInt64?
    /// A follower's agreement with its shared log (nil on a store of its own, or when unreachable).
    public let shared: SharedAgreement?
    /// The first thing that failed: `.verificationFailed` when something does not verify,
    /// `.unavailable` when a follower's shared log could not be reached to compare (the rest was
    /// checked). Nil when everything agrees.
    public let failure: Failure?
    /// The position the failure names, when it names one.
    public let failedAt: UInt64?

    public var ok: Bool { failure == nil }

    private enum CodingKeys: String, CodingKey { case ok, events, head, problem, position, checkpoints, backup, uncovered, shared }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ok, forKey: .ok)
        try container.encode(store.events, forKey: .events)
        try container.encode(store.head, forKey: .head)
        try container.encodeIfPresent(failure?.message, forKey: .problem)
        try container.encodeIfPresent(failedAt, forKey: .position)
        try container.encode(checkpoints, forKey: .checkpoints)
        try container.encodeIfPresent(backup, forKey: .backup)
        try container.encodeIfPresent(uncovered, forKey: .uncovered)
        try container.encodeIfPresent(shared, forKey: .shared)
    }
}

extension AnnalsService {
    /// Verifies the store and what `request` adds, the same for every front. Writes nothing.
    /// Throws only when the store cannot be read; what does not verify is in the verdict.
    public func verify(_ request: VerifyRequest) throws -> VerifyVerdict {
        var verdict = VerdictBuilder(store: try verify())
        try verdict.check(request) { try check($0, trustedKey: $1) }
        let backup = try backupHead()
        if let backup, backup.position != verdict.store.events || backup.hash != verdict.store.head {
            verdict.fail("verification failed: this backup recorded head \(backup.position) (\(backup.hash.prefix(16))…) when it was taken, "
                         + "and its log now ends at \(verdict.store.events) (\(verdict.store.head.prefix(16))…): it was changed after the copy", at: nil)
        }
        // A follower's own log and projections are checked even when its shared log cannot be
        // reached; the verdict then says what could not be compared.
        var shared: SharedAgreement?
        do {
            shared = try sharedAgreement()
        } catch let error where Failure(error)?.kind == .unavailable {
            verdict.fail("verification incomplete: this store follows a shared log that cannot be reached, so its history there was not compared: "
                         + (Failure(error)?.message ?? "\(error)"), at: nil, kind: .unavailable)
        } catch let error where Failure(error)?.kind == .verificationFailed {
            verdict.fail(Failure(error)?.message ?? "\(error)", at: nil)
        }
        return verdict.finish(request, backup: backup, shared: shared)
    }
}

extension SharedLog {
    /// Verifies the shared log at `address` (chain, positions, versions, head; it keeps no
    /// projections) and `request`'s checkpoints against it: the verdict a store gets, for the log
    /// its followers share.
    public static func verify(_ address: String, _ request: VerifyRequest) throws -> VerifyVerdict {
        var verdict = VerdictBuilder(store: try verify(address))
        try verdict.check(request) { try check(address, $0, trustedKey: $1) }
        return verdict.finish(request, backup: nil, shared: nil)
    }
}

/// Collects the findings of one verification; the first failure is the verdict's.
struct VerdictBuilder {
    let store: VerifyResult
    private(set) var reports: [CheckpointReport] = []
    private var failure: Failure?
    private var failedAt: UInt64?

    init(store: VerifyResult) {
        self.store = store
        if let problem = store.problem { fail(problem, at: store.position, remedy: store.remedy) }
    }

    mutating func fail(_ message: String, at position: UInt64?, kind: Failure.Kind = .verificationFailed, remedy: Remedy? = nil) {
        guard failure == nil else { return }
        failure = Failure(message: message, kind: kind, remedy: remedy)
        failedAt = position
    }

    /// Checks the request's checkpoints with `check` (checkpoints, trusted key).
    mutating func check(_ request: VerifyRequest,
                        _ check: ([(file: String, checkpoint: Checkpoint)], String) throws -> [CheckpointReport]) throws {
        guard !request.checkpoints.isEmpty else { return }
        guard let trusted = request.trustedKey else {
            throw ApplicationError("checkpoints need the public key they must be signed with: give a trusted key")
        }
        reports = try check(request.checkpoints, trusted)
        if let failed = reports.first(where: { !$0.matches }) {
            fail("verification failed at position \(failed.position): checkpoint in \(failed.file) signed \(failed.signedAt): \(failed.problem ?? "")",
                 at: failed.position)
        }
    }

    /// The verdict, after the coverage the request may require.
    mutating func finish(_ request: VerifyRequest, backup: BackupHead?, shared: SharedAgreement?) -> VerifyVerdict {
        let newest = reports.filter(\.matches).map(\.position).max()
        let uncovered = request.checkpoints.isEmpty ? nil : store.events - min(store.events, newest ?? 0)
        if request.requireCovered, let uncovered, uncovered > 0 {
            fail("verification failed at position \((newest ?? 0) + 1): \(uncovered) events after the newest matching checkpoint are not covered by one; "
                 + "if they are yours, sign a new checkpoint", at: (newest ?? 0) + 1)
        }
        return VerifyVerdict(store: store, checkpoints: reports, backup: backup, uncovered: uncovered, shared: shared,
                             failure: failure, failedAt: failedAt)
    }
}
