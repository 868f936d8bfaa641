import AnnalsCore
import AnnalsLMDB
import AnnalsPostgres
import AnnalsProjections
import AnnalsRecords

/// Any error a use case can throw, as one line for a person and the kind of failure, so callers
/// above this layer (the CLI's exit codes, a server's statuses) need not know the lower layers'
/// error types.
public struct Failure: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Bad input, a refused edit, a store that cannot be opened or read.
        case error
        /// Another edit landed first: reload and retry.
        case conflict
        /// The log or the projections do not verify.
        case verificationFailed
        /// The shared log a follower edits through cannot be reached: try again later.
        case unavailable
        /// What a request would create exists already; nothing was written.
        case alreadyExists
    }

    public let message: String
    public let kind: Kind

    /// The failure behind `error`, or nil when it is not one of Annals' own (a caller's bug, or an
    /// argument parser's refusal, which its caller reports its own way).
    public init?(_ error: any Error) {
        switch error {
        case let error as ApplicationError:
            switch error.kind {
            case .verificationFailed: (message, kind) = (error.description, .verificationFailed)
            case .unavailable: (message, kind) = (error.description, .unavailable)
            case .invalidRequest: (message, kind) = (error.description, .error)
            case .alreadyExists: (message, kind) = (error.description, .alreadyExists)
            }
        case let error as EventLogError:
            if case .wrongExpectedVersion = error { (message, kind) = (error.description, .conflict) } else { (message, kind) = (error.description, .error) }
        case let error as RecordError: (message, kind) = (error.description, .error)
        case let error as ProjectionError: (message, kind) = (error.description, .error)
        case let error as JSONError: (message, kind) = (error.description, .error)
        case let error as StoreAccessError: (message, kind) = (error.description, .error)
        case let error as PostgresLogError: (message, kind) = ("the shared log: \(error)", error.isUnavailable ? .unavailable : .error)
        case let error as LMDBError: (message, kind) = ("the store could not be read or written: \(error)", .error)
        default: return nil
        }
    }
}
