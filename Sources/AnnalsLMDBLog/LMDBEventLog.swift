public import AnnalsCore
public import AnnalsLMDB
public import Foundation

/// The event log kept in one LMDB environment. See `docs/storage.md` for the layout.
///
/// Appends are synced LMDB commits: once `append` returns, the events survive `kill -9` and
/// power loss. Any number of processes may open the same store; LMDB serialises their writes and
/// expected versions are checked inside the write transaction.
public final class LMDBEventLog: EventLog {
    /// The store-format version this code writes. Format 2 added the `log/by-type` index.
    public static let formatVersion: UInt32 = 2
    /// The oldest format `annals migrate` can bring up to `formatVersion`.
    public static let oldestMigratableFormat: UInt32 = 1

    /// The format of the store as opened: `formatVersion`, or older when opened for migration.
    public internal(set) var format: UInt32

    /// The environment, for layers that write their own databases in the same transaction as an
    /// append (projections). They must not write the log's databases.
    public let environment: Environment
    let events: Database
    let streams: Database
    let ids: Database
    let meta: Database
    /// `type ‖ 0x00 ‖ position` for every event (format 2 on).
    var byType: Database?
    private let clock: @Sendable () -> Timestamp
    /// What joins every append's transaction (the inline projections), held as long as the log
    /// is: whoever keeps the log, or its upcasting view, keeps its projections in step. A log
    /// opened without one (a log-only writer) appends alone.
    public var observer: (any AppendObserver)?

    /// The named databases of the log, in the environment.
    public enum DatabaseName {
        public static let events = "log/events"
        public static let streams = "log/streams"
        public static let ids = "log/ids"
        public static let meta = "meta"
        public static let byType = "log/by-type"
    }

    static let formatKey = Array("format".utf8)
    static let headKey = Array("log/head".utf8)

    /// Opens the log in `environment`, creating it in an empty environment.
    ///
    /// A store of a newer or unknown format is refused without writing anything; so is an older
    /// one (`needsMigration`) unless `openingOlderFormat`, which only `annals migrate` passes.
    /// `clock` supplies recorded-at times (tests pass a fixed clock); times never go backwards
    /// along the log whatever the clock says.
    public init(environment: Environment, clock: @escaping @Sendable () -> Timestamp = Timestamp.now,
                openingOlderFormat: Bool = false) throws {
        self.environment = environment
        self.clock = clock
        let existingMeta = try Self.existingDatabase(DatabaseName.meta, in: environment)
        let storedFormat = try existingMeta.flatMap { meta in try environment.read { txn in try txn.get(meta, Self.formatKey) } }
        if let storedFormat {
            guard storedFormat.count == 4 else { throw EventLogError.notAnAnnalsStore(path: environment.path) }
            let version = storedFormat.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard version <= Self.formatVersion, version >= Self.oldestMigratableFormat else {
                throw EventLogError.unsupportedFormat(found: version, supported: Self.formatVersion)
            }
            guard version == Self.formatVersion || openingOlderFormat else {
                throw EventLogError.needsMigration(found: version, current: Self.formatVersion)
            }
            self.format = version
            meta = try environment.database(DatabaseName.meta, create: false)
            events = try environment.database(DatabaseName.events, create: false)
            streams = try environment.database(DatabaseName.streams, create: false)
            ids = try environment.database(DatabaseName.ids, create: false)
            byType = version >= 2 ? try environment.database(DatabaseName.byType, create: false) : nil
            return
        }
        // A new store, or one whose creation was interrupted before the format was written (the
        // databases are created in separate transactions and the format key is written last).
        // Only `annals init` may finish it; anything else in the main database belongs to another
        // program, and a store with events but no format key is not ours: refuse both untouched.
        let options = environment.options
        guard options.createIfMissing, !options.readOnly else { throw EventLogError.notAnAnnalsStore(path: environment.path) }
        let ours = ["log/", "proj/", DatabaseName.meta]
        if try environment.mainDatabaseKeys().contains(where: { key in !ours.contains { key.hasPrefix($0) } }) {
            throw EventLogError.notAnAnnalsStore(path: environment.path)
        }
        if let existingEvents = try Self.existingDatabase(DatabaseName.events, in: environment),
           try environment.read({ txn in try txn.count(existingEvents) }) > 0 {
            throw EventLogError.notAnAnnalsStore(path: environment.path)
        }
        events = try environment.database(DatabaseName.events)
        streams = try environment.database(DatabaseName.streams)
        ids = try environment.database(DatabaseName.ids)
        byType = try environment.database(DatabaseName.byType)
        meta = try environment.database(DatabaseName.meta)
        self.format = Self.formatVersion
        try environment.write { [meta] txn in
            var format = [UInt8]()
            format.appendBigEndian(Self.formatVersion)
            try txn.put(meta, Self.formatKey, format)
        }
    }

    private static func existingDatabase(_ name: String, in environment: Environment) throws -> Database? {
        do {
            return try environment.database(name, create: false)
        } catch let error as LMDBError where error.code == .notFound {
            return nil
        } catch let error as LMDBError where error.code == .incompatible {
            // Another program's LMDB with a plain key of that name, not a database.
            throw EventLogError.notAnAnnalsStore(path: environment.path)
        }
    }

    /// Opens (creating when missing) the store directory at `path` and the log inside it.
    public convenience init(path: String, options: EnvironmentOptions = EnvironmentOptions(),
                            clock: @escaping @Sendable () -> Timestamp = Timestamp.now, openingOlderFormat: Bool = false) throws {
        let environment = try Environment(path: path, options: options)
        do {
            try self.init(environment: environment, clock: clock, openingOlderFormat: openingOlderFormat)
        } catch {
            environment.close()
            throw error
        }
    }

    // MARK: - Append

    /// What one append did inside its transaction.
    struct AppendOutcome {
        /// The events as stored, in log order.
        let events: [RecordedEvent]
        /// True when every event was already stored: nothing was written.
        let alreadyStored: Bool
    }

    /// Appends in one write transaction, which the observer (the inline projections) joins:
    /// validation errors and conflicts throw before anything is written.
    @discardableResult
    public func append(_ appends: [StreamAppend]) throws -> [RecordedEvent] {
        let prepared = try EventValidation.prepare(appends)
        return try environment.write { txn in
            try observer?.willAppend(in: txn)
            let outcome = try appendPrepared(prepared, in: txn)
            if !outcome.alreadyStored, !outcome.events.isEmpty { try observer?.didAppend(outcome.events, in: txn) }
            return outcome.events
        }
    }

    private func appendPrepared(_ appends: [StreamAppend], in txn: WriteTransaction) throws -> AppendOutcome {
        let stored = try EventValidation.alreadyStored(appends) { id in
            guard let positionBytes = try txn.get(ids, Self.idKey(id)) else { return nil }
            let position = decodeUInt64(positionBytes[...]) ?? 0
            return (try event(at: position, in: txn), position)
        }
        if let stored {
            return AppendOutcome(events: stored, alreadyStored: true)
        }
        let head = try readHead(in: txn)
        var versions: [UInt64] = []
        for entry in appends {
            let actual = try streamHead(entry.stream, in: txn)?.version ?? 0
            try EventValidation.check(entry.expected, actual: actual, stream: entry.stream)
            versions.append(actual)
        }
        let recordedAt = max(clock(), head.lastRecordedAt ?? Timestamp(microsecondsSinceEpoch: .min))
        let recorded = try RecordCodec.chain(appends, startVersions: versions, after: head, recordedAt: recordedAt) { event, record in
            let key = positionKey(event.position)
            // A key already there means entries past the head (planted or left by a foreign
            // writer): the store is damaged, and the append is refused naming what is in the way.
            func put(_ database: Database, _ entryKey: [UInt8], _ value: [UInt8], _ options: PutOptions, _ what: @autoclosure () -> String) throws {
                do { try txn.put(database, entryKey, value, options: options) } catch let error as LMDBError where error.code == .keyExists {
                    throw EventLogError.damagedLog(position: event.position, detail: "\(what()) is already stored, past the log's head at \(head.position)")
                }
            }
            try put(events, key, event.hash + record, .append, "an event at position \(event.position)")
            try put(streams, Self.streamKey(event.stream, event.streamVersion), key, .noOverwrite, "version \(event.streamVersion) of stream \(event.stream)")
            try put(ids, Self.idKey(event.id), key, .noOverwrite, "event id \(event.id.uuidString.lowercased())")
            if let byType { try txn.put(byType, Self.typeKey(event.type, event.position), []) }
        }
        guard let last = recorded.last else { return AppendOutcome(events: [], alreadyStored: false) }
        try writeHead(LogHead(position: last.position, hash: last.hash, lastRecordedAt: recordedAt), in: txn)
        return AppendOutcome(events: recorded, alreadyStored: false)
    }

    // MARK: - Read

    public func readStream(_ stream: StreamID, from version: UInt64, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        try environment.read { txn in try readStream(stream, from: version, direction: direction, limit: limit, in: txn) }
    }

    /// `readStream` inside a caller's transaction.
    public func readStream(_ stream: StreamID, from version: UInt64, direction: ReadDirection, limit: Int,
                           in txn: Transaction) throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        var result: [RecordedEvent] = []
        let prefix = Self.streamPrefix(stream)
        let upper = prefix.dropLast() + [0x01]
        let visit: (Entry) throws -> Bool = { entry in
            let position = decodeUInt64(entry.value[...]) ?? 0
            guard let event = try self.event(at: position, in: txn) else {
                throw EventLogError.corruptRecord(position: position, detail: "stream index of \(stream) points at a missing event")
            }
            result.append(event)
            return result.count < limit
        }
        switch direction {
        case .forwards:
            try txn.scan(streams, from: Self.streamKey(stream, version), to: Array(upper), visit)
        case .backwards:
            let end = version == .max ? Array(upper) : Self.streamKey(stream, version + 1)
            try txn.scan(streams, from: prefix, to: end, reverse: true, visit)
        }
        return result
    }

    public func readLog(from position: UInt64, limit: Int) throws -> [RecordedEvent] {
        try environment.read { txn in try readLog(from: position, limit: limit, in: txn) }
    }

    /// `readLog` inside a caller's transaction.
    public func readLog(from position: UInt64, limit: Int, in txn: Transaction) throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        var result: [RecordedEvent] = []
        try txn.scan(events, from: positionKey(max(position, 1))) { entry in
            let position = decodeUInt64(entry.key[...]) ?? 0
            result.append(try RecordCodec.decode(value: entry.value, position: position))
            return result.count < limit
        }
        return result
    }

    public func event(id: UUID) throws -> RecordedEvent? {
        try environment.read { txn in
            guard let bytes = try txn.get(ids, Self.idKey(id)), let position = decodeUInt64(bytes[...]) else { return nil }
            return try event(at: position, in: txn)
        }
    }

    public func event(at position: UInt64) throws -> RecordedEvent? {
        try environment.read { txn in try event(at: position, in: txn) }
    }

    /// The event at `position` inside a caller's transaction.
    public func event(at position: UInt64, in txn: Transaction) throws -> RecordedEvent? {
        guard let value = try txn.get(events, positionKey(position)) else { return nil }
        return try RecordCodec.decode(value: value, position: position)
    }

    public func streamHead(_ stream: StreamID) throws -> StreamHead? {
        try environment.read { txn in try streamHead(stream, in: txn) }
    }

    /// The stream's head inside a caller's transaction: the last key of the stream's index range.
    public func streamHead(_ stream: StreamID, in txn: Transaction) throws -> StreamHead? {
        let prefix = Self.streamPrefix(stream)
        var head: StreamHead?
        try txn.scan(streams, from: prefix, to: Array(prefix.dropLast() + [0x01]), reverse: true) { entry in
            if let version = decodeUInt64(entry.key[prefix.count...]), let position = decodeUInt64(entry.value[...]) {
                head = StreamHead(version: version, lastPosition: position)
            }
            return false
        }
        return head
    }

    public func head() throws -> LogHead {
        try environment.read { txn in try readHead(in: txn) }
    }

    /// The log's head inside a caller's transaction.
    public func readHead(in txn: Transaction) throws -> LogHead {
        guard let bytes = try txn.get(meta, Self.headKey) else { return .empty }
        guard bytes.count == 48, let position = decodeUInt64(bytes[0..<8]), let micros = decodeUInt64(bytes[40..<48]) else {
            throw EventLogError.corruptRecord(position: 0, detail: "the stored head has \(bytes.count) bytes, expected 48")
        }
        return LogHead(position: position, hash: Array(bytes[8..<40]), lastRecordedAt: Timestamp(microsecondsSinceEpoch: Int64(bitPattern: micros)))
    }

    func writeHead(_ head: LogHead, in txn: WriteTransaction) throws {
        var bytes = positionKey(head.position)
        bytes.append(contentsOf: head.hash)
        bytes.appendBigEndian(UInt64(bitPattern: head.lastRecordedAt?.microsecondsSinceEpoch ?? 0))
        try txn.put(meta, Self.headKey, bytes)
    }

    // MARK: - Keys

    /// `stream UTF-8 ‖ 0x00`: stream ids hold no control characters, so every key of one stream
    /// sorts together, before `stream ‖ 0x01`.
    static func streamPrefix(_ stream: StreamID) -> [UInt8] {
        Array(stream.rawValue.utf8) + [0x00]
    }

    static func streamKey(_ stream: StreamID, _ version: UInt64) -> [UInt8] {
        var key = streamPrefix(stream)
        key.appendBigEndian(version)
        return key
    }

    static func typeKey(_ type: String, _ position: UInt64) -> [UInt8] {
        var key = Array(type.utf8) + [0x00]
        key.appendBigEndian(position)
        return key
    }

    static func idKey(_ id: UUID) -> [UInt8] {
        withUnsafeBytes(of: id.uuid) { Array($0) }
    }
}

extension LMDBEventLog {
    /// Opens the log of an existing store (nothing is created); `openingOlderFormat` as in `init`.
    public static func openExisting(at path: String, readOnly: Bool, openingOlderFormat: Bool = false) throws -> LMDBEventLog {
        var options = EnvironmentOptions()
        options.createIfMissing = false
        options.readOnly = readOnly
        return try LMDBEventLog(path: path, options: options, openingOlderFormat: openingOlderFormat)
    }

    /// Closes the log's environment; any later use throws. Closing twice is harmless.
    public func close() { environment.close() }
}
