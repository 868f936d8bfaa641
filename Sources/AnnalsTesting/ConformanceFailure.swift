/// A failed expectation in the shared test suites. Suites in this module throw it, so any test
/// framework can run them and report the message.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Throws `ConformanceFailure(message)` unless `condition` holds.
public func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw ConformanceFailure(message()) }
}

/// Runs `body`, which must throw an error of type `E` satisfying `matching`; returns that error.
@discardableResult
public func requireThrows<E: Error>(_ type: E.Type, _ what: String, matching: (E) -> Bool = { _ in true },
                                    _ body: () throws -> Void) throws -> E {
    do {
        try body()
    } catch let error as E where matching(error) {
        return error
    } catch {
        throw ConformanceFailure("\(what): expected \(E.self), got \(error)")
    }
    throw ConformanceFailure("\(what): expected \(E.self), but nothing was thrown")
}
