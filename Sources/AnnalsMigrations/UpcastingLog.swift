public import AnnalsCore
public import Foundation

/// A log read in the current schema: every event a read returns is upcast (`Upcaster`), and
/// appends go to the log beneath unchanged. What the record editor and the readers of a store
/// use; the log beneath gives events as stored.
public final class UpcastingLog: EventLog {
    /// The log beneath, whose events are as stored.
    public let base: any EventLog
    public let upcaster: Upcaster

    public init(_ base: any EventLog, upcaster: Upcaster) {
        self.base = base
        self.upcaster = upcaster
    }

    @discardableResult
    public func append(_ appends: [StreamAppend]) throws -> [RecordedEvent] { try base.append(appends) }

    public func readStream(_ stream: StreamID, from version: UInt64, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        try base.readStream(stream, from: version, direction: direction, limit: limit).map(upcaster.upcast)
    }

    public func readLog(from position: UInt64, limit: Int) throws -> [RecordedEvent] { try base.readLog(from: position, limit: limit).map(upcaster.upcast) }
    public func event(id: UUID) throws -> RecordedEvent? { try base.event(id: id).map(upcaster.upcast) }
    public func event(at position: UInt64) throws -> RecordedEvent? { try base.event(at: position).map(upcaster.upcast) }
    public func streamHead(_ stream: StreamID) throws -> StreamHead? { try base.streamHead(stream) }
    public func head() throws -> LogHead { try base.head() }
    public func verify() throws -> VerificationReport { try base.verify() }
}
