public import AnnalsCore

/// What the application layer refuses or finds wrong, as one line for a person plus what kind of
/// failure it is, so a CLI can pick its exit code and a server its status. A remedy that only a
/// front can word (a command, a route) is kept apart from the problem.
public struct ApplicationError: RemediedError, Equatable, Sendable, CustomStringConvertible {
    /// The kinds of failure callers tell apart.
    public enum Kind: Sendable, Equatable {
        /// The request or its input was wrong; nothing was written.
        case invalidRequest
        /// The store's log or projections do not verify.
        case verificationFailed
        /// The shared log could not be reached; the same request may succeed later.
        case unavailable
        /// What the request would create exists already (a user's name); nothing was written.
        case alreadyExists
    }

    public let kind: Kind
    public let problem: String
    public let remedy: Remedy?

    public var description: String { Remedy.line(problem, remedy) }

    public init(_ problem: String, kind: Kind = .invalidRequest, remedy: Remedy? = nil) {
        self.problem = problem
        self.kind = kind
        self.remedy = remedy
    }
}
