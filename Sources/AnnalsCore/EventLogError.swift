/// Everything the event log refuses, each naming what was wrong and how to fix it.
public enum EventLogError: RemediedError, Equatable, Sendable, CustomStringConvertible {
    /// An input field failed validation; nothing was written.
    case invalidInput(field: String, value: String, fix: String)
    /// A stream's version differs from what the append expected; nothing in the batch was written.
    case wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: UInt64)
    /// An event id is already stored with different content; nothing was written.
    case eventIdReused(id: String, position: UInt64)
    /// Some events of an append are already stored and others are not: a retry must resend the
    /// same batch exactly.
    case partialDuplicate(storedIDs: [String])
    /// The store was written by a newer or unknown format of Annals and is left untouched.
    case unsupportedFormat(found: UInt32, supported: UInt32)
    /// The store was written by an older format; a migration brings it up to date.
    case needsMigration(found: UInt32, current: UInt32)
    /// The directory holds LMDB data that is not an Annals log.
    case notAnAnnalsStore(path: String)
    /// A stored record cannot be decoded (corruption or a bug): names the position.
    case corruptRecord(position: UInt64, detail: String)
    /// The log's tables disagree with its head (entries past it): an append at `position` was
    /// refused and nothing was written.
    case damagedLog(position: UInt64, detail: String)

    public var description: String { Remedy.line(problem, remedy) }

    public var problem: String {
        switch self {
        case let .invalidInput(field, value, fix):
            return "invalid \(field) \(value.debugDescription): \(fix)"
        case let .wrongExpectedVersion(stream, expected, actual):
            return "conflict on stream \(stream): expected \(expected), but it is at version \(actual); reload the record and retry"
        case let .eventIdReused(id, position):
            return "event id \(id) is already stored at position \(position) with different content; use a new event id"
        case let .partialDuplicate(ids):
            return "events \(ids.joined(separator: ", ")) are already stored but the rest of the batch is not; resend the original batch unchanged"
        case let .unsupportedFormat(found, supported):
            return "store format \(found) is newer than this annals knows (up to \(supported)); upgrade annals, the store was not touched"
        case let .needsMigration(found, current):
            return "store format \(found) is older than this annals (format \(current))"
        case let .notAnAnnalsStore(path):
            return "not an Annals store: \(path) holds no Annals log (another program's LMDB, or an interrupted init); it was left untouched"
        case let .corruptRecord(position, detail):
            return "the event at position \(position) cannot be read: \(detail)"
        case let .damagedLog(position, detail):
            return "the store is damaged at position \(position): \(detail); nothing was written"
        }
    }

    public var remedy: Remedy? {
        switch self {
        case .invalidInput, .wrongExpectedVersion, .eventIdReused, .partialDuplicate, .unsupportedFormat: nil
        case .needsMigration: .migrate
        case .notAnAnnalsStore: .chooseStore
        case .corruptRecord: .verify
        case .damagedLog: .verifyThenRestore
        }
    }
}
