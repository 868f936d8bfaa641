import AnnalsCore
import AnnalsLMDB
import AnnalsProjections
import AnnalsRecords
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
    error is CLIError || error is EventLogError || error is RecordError || error is ProjectionError || error is JSONError
        || error is StoreAccessError || error is LMDBError || error is CocoaError || error is POSIXError
}

/// One line for stderr and an exit code, for any error a command can throw.
func describe(_ error: any Error) -> (String, ExitCode) {
    switch error {
    case let error as CLIError: return (error.description, error.code)
    case let error as EventLogError:
        if case .wrongExpectedVersion = error { return (error.description, .conflict) }
        return (error.description, .error)
    case let error as RecordError: return (error.description, .error)
    case let error as ProjectionError: return (error.description, .error)
    case let error as JSONError: return (error.description, .error)
    case let error as StoreAccessError: return (error.description, .error)
    case let error as LMDBError: return ("the store could not be read or written: \(error)", .error)
    default: return ("\(error)", .error)
    }
}
