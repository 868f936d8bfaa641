public import AnnalsCore

/// What the projection layer refuses, each naming the problem and the remedy apart (the fronts
/// word the remedy for their users).
public enum ProjectionError: RemediedError, Equatable, Sendable, CustomStringConvertible {
    /// The projection was built by another version of Annals (or never built for this log).
    case stale(projection: String, builtBy: UInt32?, needed: UInt32)
    /// Several projections are stale (a store from another version of Annals): one rebuild of all.
    case severalStale(projections: [String])
    /// A projection named a table it never declared (a bug in that projection).
    case undeclaredTable(projection: String, table: String)
    /// A projection reflects another log position than the others: the store was opened without
    /// it (a program that does not register it) while edits landed.
    case behind(projection: String, position: UInt64, others: UInt64)
    /// A projection a caller tried to register cannot be (`ProjectionRegistry.adding`).
    case invalidProjection(name: String, problem: String)
    /// The projections of one store reflect different log positions; they advance together.
    case checkpointsDiverge(positions: [String: UInt64])
    /// Another process is rebuilding, migrating or verifying into this store's projections.
    case busy(detail: String)
    /// An append to a follower's replica, whose events come only from the shared log it follows.
    case replicaWrite(source: String)
    /// The shared log no longer holds the history this follower copied: it was rewritten, cut
    /// short, or the follower was pointed at another log.
    case replicaDiverged(source: String, detail: String)
    /// A follower was given another shared log than the one it follows, without asking to switch.
    case replicaSourceChanged(recorded: String, given: String)
    /// A projection's stored bytes cannot be read (`part`: what was read, `value`: a prefix of its
    /// bytes or the value found): the projection is rebuilt from the log, which is not affected.
    case damaged(projection: String, part: String, value: String, problem: String?)

    public var description: String { Remedy.line(problem, remedy) }

    public var remedy: Remedy? {
        switch self {
        case let .stale(projection, _, _), let .behind(projection, _, _): .rebuild(projection: projection)
        case .severalStale, .checkpointsDiverge: .rebuild(projection: nil)
        case let .damaged(projection, _, _, problem): problem == nil ? .rebuild(projection: projection) : .verifyThenRebuild(projection: projection)
        case let .replicaDiverged(source, _): .checkSharedLog(address: source)
        case .replicaSourceChanged: .switchSource
        case .undeclaredTable, .invalidProjection, .busy, .replicaWrite: nil
        }
    }

    public var problem: String {
        switch self {
        case let .stale(projection, builtBy, needed):
            let built = builtBy.map { "was built by projection version \($0)" } ?? "was never built for this log"
            return "the \(projection) projection \(built), this annals needs version \(needed)"
        case let .severalStale(projections):
            let names = projections.count == 2 ? projections.joined(separator: " and ")
                : projections.dropLast().joined(separator: ", ") + " and " + (projections.last ?? "")
            return "the \(names) projections were built by another version of annals"
        case let .undeclaredTable(projection, table):
            return "the \(projection) projection used a table \(table) it does not declare; this is a bug in annals, please report it"
        case let .behind(projection, position, others):
            return "the \(projection) projection reflects log position \(position), the others \(others): "
                + "the store was opened meanwhile by a program that does not register it (rebuild through one that does)"
        case let .invalidProjection(name, problem):
            return "the projection \(name) cannot be registered: \(problem); give it a name of its own and at least one table"
        case let .checkpointsDiverge(positions):
            let list = positions.sorted { $0.key < $1.key }.map { "\($0.key) at \($0.value)" }.joined(separator: ", ")
            return "the projections reflect different log positions (\(list))"
        case let .busy(detail):
            return detail
        case let .replicaWrite(source):
            return "this store follows the shared log \(source); edits go there (through this store, which sends them), never to its copy of the log"
        case let .replicaDiverged(source, detail):
            return "the shared log \(source) does not hold the history this follower copied: \(detail); nothing was applied"
        case let .replicaSourceChanged(recorded, given):
            return "this store follows the shared log \(recorded), not \(given) (another database, such as a restored copy or a clone); nothing was applied"
        case let .damaged(projection, part, value, problem):
            return "the \(projection) projection's \(part) cannot be read (\(value))" + (problem.map { ": \($0)" } ?? "")
        }
    }
}
