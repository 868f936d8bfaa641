/// What the records layer refuses. Each case names what was wrong and how to fix it, in one line.
public enum RecordError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field's value is not acceptable.
    case invalidField(field: String, value: String, fix: String)
    /// No record has this id.
    case unknownRecord(id: String)
    /// The edit does not fit the record's current state (a second create, correcting a retracted
    /// record, restoring a live one, …).
    case invalidState(id: String, problem: String, fix: String)
    /// A correction that changes nothing.
    case nothingChanged(id: String)
    /// The command names a record of the other type.
    case wrongRecordType(id: String, expected: String)

    public var description: String {
        switch self {
        case let .invalidField(field, value, fix):
            return "invalid \(field) \(value.debugDescription): \(fix)"
        case let .unknownRecord(id):
            return "no record \(id); check the id with list or find"
        case let .invalidState(id, problem, fix):
            return "\(id) \(problem); \(fix)"
        case let .nothingChanged(id):
            return "the correction of \(id) changes nothing; give at least one field a new value"
        case let .wrongRecordType(id, expected):
            return "\(id) is not \(expected); use an id that starts with \(expected == "an article" ? "article/" : "event/")"
        }
    }
}

/// Runs a custom decoder's body; a `RecordError` it throws becomes a `DecodingError` carrying the
/// decoder's coding path, so the message names the field (`quantities[0].value`), not just the type.
func withCodingPath<T>(_ decoder: any Decoder, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as RecordError {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description, underlyingError: error))
    }
}
