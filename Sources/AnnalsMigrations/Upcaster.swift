public import AnnalsCore
import AnnalsRecords

/// Brings stored events up to the current schema on read. Stored events are never rewritten:
/// the upcast event keeps its position, id and hash; its payload and schema version are the
/// current schema's.
public struct Upcaster: Sendable {
    public let migrations: MigrationSet

    public init(_ migrations: MigrationSet) { self.migrations = migrations }

    /// The upcaster of the migrations compiled into this binary.
    public static func embedded() throws -> Upcaster { Upcaster(try MigrationSet.embedded()) }

    /// The event in the current schema. Events of types the migrations do not cover pass through.
    /// An event newer than this binary knows is an error naming it.
    public func upcast(_ event: RecordedEvent) throws -> RecordedEvent {
        guard let (type, _) = EditKind.parse(event.type) else { return event }
        let current = migrations.currentVersion(of: type)
        if event.schemaVersion == current { return event }
        guard event.schemaVersion < current else {
            throw RecordError.invalidField(field: "event \(event.id.uuidString) at position \(event.position)", value: "\(event.type) v\(event.schemaVersion)",
                                           fix: "this annals knows \(event.type) up to version \(current); upgrade annals to read it")
        }
        var payload = try JSONValue.parse(event.payload)
        for migration in migrations.migrations {
            guard case .eventUpcast(type, let from, let operations) = migration.kind, from >= event.schemaVersion else { continue }
            for operation in operations[event.type] ?? [] { payload = operation.apply(to: payload) }
        }
        return RecordedEvent(position: event.position, id: event.id, stream: event.stream, streamVersion: event.streamVersion, type: event.type,
                             schemaVersion: current, payload: payload.canonicalBytes, metadata: event.metadata,
                             recordedAt: event.recordedAt, hash: event.hash)
    }
}
