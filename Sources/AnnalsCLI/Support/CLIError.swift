import AnnalsApplication
import Foundation

/// The exit codes `annals` uses, as its help and the README list them.
public enum ExitCode: Int32, Sendable {
    case ok = 0
    case error = 1
    case usage = 2
    case conflict = 3
    case verificationFailed = 4
}

/// An error raised by a command itself, with its exit code.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    let code: ExitCode

    init(_ description: String, code: ExitCode = .error) {
        self.description = description
        self.code = code
    }
}

/// True for the errors Annals' own layers raise (as opposed to ArgumentParser's).
func isDomainError(_ error: any Error) -> Bool {
    error is CLIError || Failure(error) != nil || error is CocoaError || error is POSIXError
}

/// One line for stderr and an exit code, for any error a command can throw.
func describe(_ error: any Error) -> (String, ExitCode) {
    if let error = error as? CLIError { return (error.description, error.code) }
    guard let failure = Failure(error) else { return ("\(error)", .error) }
    return (failure.commandLineMessage, ExitCode(failure.kind))
}

extension ExitCode {
    /// The exit code of each kind of failure: 3 for a stale version, 4 for what does not verify,
    /// 1 for everything else.
    init(_ kind: Failure.Kind) {
        switch kind {
        case .conflict: self = .conflict
        case .verificationFailed: self = .verificationFailed
        case .invalidField, .invalidRequest, .notFound, .invalidState, .duplicate, .alreadyExists, .unavailable, .storeFault: self = .error
        }
    }
}
