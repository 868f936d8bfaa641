public import AnnalsCore
import AnnalsLMDB
import AnnalsPostgres
import AnnalsProjections
import AnnalsRecords

/// Any error a use case can throw, as one line for a person and the kind of failure: the only
/// classification of errors there is. The CLI maps kinds to exit codes and the server to HTTP
/// statuses; neither knows the lower layers' error types.
public struct Failure: Sendable, Equatable {
    public enum Kind: Sendable, Equatable, CaseIterable {
        /// A value was refused (a field, an id, a time); nothing was written.
        case invalidField
        /// The request cannot be done as asked (a stale projection, malformed input, a rule of
        /// this layer); nothing was written.
        case invalidRequest
        /// No such record.
        case notFound
        /// The edit does not fit the record's state (retracting a retracted record, a correction
        /// that changes nothing); nothing was written.
        case invalidState
        /// Another edit landed first (the expected version is stale): reload and retry.
        case conflict
        /// An event id was used before for other content.
        case duplicate
        /// What a request would create exists already (a user's name); nothing was written.
        case alreadyExists
        /// The log, the projections, a checkpoint or a backup does not verify.
        case verificationFailed
        /// The shared log cannot be reached: the same request may succeed later.
        case unavailable
        /// The store itself could not be read or written (its files, LMDB, the database): the
        /// message names the store's internals, for its operator, not for a remote client.
        case storeFault
    }

    /// What went wrong: the field, the value, what was and was not written.
    public let problem: String
    /// What fixes it, named as an action that each front words for its own users.
    public let remedy: Remedy?
    public let kind: Kind

    /// The problem and the remedy in words no front owns (for logs and library callers).
    public var message: String { Remedy.line(problem, remedy) }

    /// The problem and the remedy as `wording` gives it: a front's words for its users.
    public func message(wording: (Remedy) -> String) -> String { Remedy.line(problem, remedy, wording: wording) }

    public init(message: String, kind: Kind, remedy: Remedy? = nil) {
        self.problem = message
        self.remedy = remedy
        self.kind = kind
    }

    private init(_ error: some RemediedError, kind: Kind) {
        self.init(message: error.problem, kind: kind, remedy: error.remedy)
    }

    /// The failure behind `error`, or nil when it is not one of Annals' own (a caller's bug, or an
    /// argument parser's refusal, which its caller reports its own way).
    public init?(_ error: any Error) {
        switch error {
        case let error as ApplicationError:
            let kind: Kind = switch error.kind {
            case .invalidRequest: .invalidRequest
            case .verificationFailed: .verificationFailed
            case .unavailable: .unavailable
            case .alreadyExists: .alreadyExists
            }
            self.init(error, kind: kind)
        case let error as RecordError:
            let kind: Kind = switch error {
            case .unknownRecord: .notFound
            case .invalidState, .nothingChanged: .invalidState
            default: .invalidField
            }
            self.init(message: error.description, kind: kind)
        case let error as EventLogError:
            let kind: Kind = switch error {
            case .invalidInput: .invalidField
            case .wrongExpectedVersion: .conflict
            case .eventIdReused, .partialDuplicate: .duplicate
            default: .storeFault
            }
            self.init(error, kind: kind)
        case let error as ProjectionError:
            // Damaged bytes are the store's fault; every other refusal is the request's.
            if case .damaged = error { self.init(error, kind: .storeFault) } else { self.init(error, kind: .invalidRequest) }
        case let error as JSONError: self.init(message: error.description, kind: .invalidRequest)
        case let error as StoreAccessError: self.init(message: error.description, kind: .storeFault, remedy: error.fix.map(Remedy.init))
        case let error as PostgresLogError: self.init(message: "the shared log: \(error)", kind: error.isUnavailable ? .unavailable : .storeFault)
        case let error as LMDBError: self.init(message: "the store could not be read or written: \(error)", kind: .storeFault)
        default: return nil
        }
    }
}

extension Remedy {
    /// The remedy the storage layer names for a store it cannot open.
    init(_ fix: StoreAccessError.Fix) {
        switch fix {
        case .createStore: self = .createStore
        case .chooseStore: self = .chooseStore
        case .recreateStore: self = .recreateStore
        case .restoreBackup: self = .restoreBackup
        case .writableCopy: self = .writableCopy
        }
    }
}
