import AnnalsCore
import AnnalsLMDB
import Foundation

/// What an attacker with write access to a store's files can do: change the log in LMDB directly,
/// with every hash, index and head made consistent again, so that only a signed checkpoint can
/// tell. For the tamper tests and `tools/reliability.sh`; never part of `annals`.
struct Tamper {
    let environment: Environment
    let events: Database, streams: Database, ids: Database, byType: Database, meta: Database
    static let headKey = Array("log/head".utf8)

    init(path: String) throws {
        var options = EnvironmentOptions()
        options.createIfMissing = false
        environment = try Environment(path: path, options: options)
        events = try environment.database("log/events", create: false)
        streams = try environment.database("log/streams", create: false)
        ids = try environment.database("log/ids", create: false)
        byType = try environment.database("log/by-type", create: false)
        meta = try environment.database("meta", create: false)
    }

    static func key(_ position: UInt64) -> [UInt8] { withUnsafeBytes(of: position.bigEndian) { Array($0) } }
    static func streamKey(_ stream: StreamID, _ version: UInt64) -> [UInt8] { Array(stream.rawValue.utf8) + [0] + key(version) }
    static func typeKey(_ type: String, _ position: UInt64) -> [UInt8] { Array(type.utf8) + [0] + key(position) }

    func head(_ txn: Transaction) throws -> UInt64 {
        guard let bytes = try txn.get(meta, Self.headKey) else { return 0 }
        return bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    func event(_ position: UInt64, _ txn: Transaction) throws -> RecordedEvent {
        guard let value = try txn.get(events, Self.key(position)) else { throw TamperError("no event at \(position)") }
        return try RecordCodec.decode(value: value, position: position)
    }

    func writeHead(_ position: UInt64, hash: [UInt8], time: Timestamp, _ txn: WriteTransaction) throws {
        var bytes = Self.key(position) + hash
        bytes += withUnsafeBytes(of: UInt64(bitPattern: time.microsecondsSinceEpoch).bigEndian) { Array($0) }
        try txn.put(meta, Self.headKey, bytes)
    }

    /// Stores `event` (its content) at `position` after `previousHash`, with all three indexes.
    @discardableResult
    func store(_ event: ProposedEvent, stream: StreamID, version: UInt64, at position: UInt64, time: Timestamp,
               after previousHash: [UInt8], _ txn: WriteTransaction) throws -> [UInt8] {
        let record = RecordCodec.encode(position: position, streamVersion: version, recordedAt: time, stream: stream, event: event)
        let hash = RecordCodec.chainHash(previous: previousHash, record: record)
        try txn.put(events, Self.key(position), hash + record)
        try txn.put(streams, Self.streamKey(stream, version), Self.key(position))
        try txn.put(ids, withUnsafeBytes(of: event.id.uuid) { Array($0) }, Self.key(position))
        try txn.put(byType, Self.typeKey(event.type, position), [])
        return hash
    }

    static func proposed(_ event: RecordedEvent) -> ProposedEvent {
        ProposedEvent(id: event.id, type: event.type, schemaVersion: event.schemaVersion, payload: event.payload, metadata: event.metadata)
    }

    /// Changes the actor of the event at `position` and re-chains every later event.
    func rewrite(at position: UInt64) throws {
        try environment.write { txn in
            let last = try head(txn)
            var previous = position > 1 ? try event(position - 1, txn).hash : [UInt8](repeating: 0, count: 32)
            var time = Timestamp(microsecondsSinceEpoch: 0)
            for p in position...last {
                let old = try event(p, txn)
                var changed = Self.proposed(old)
                if p == position { changed.metadata.actor = "mallory" }
                previous = try store(changed, stream: old.stream, version: old.streamVersion, at: p, time: old.recordedAt, after: previous, txn)
                time = old.recordedAt
            }
            try writeHead(last, hash: previous, time: time, txn)
        }
    }

    /// Removes every event after `position` and its index entries, and moves the head back.
    func truncate(after position: UInt64) throws {
        try environment.write { txn in
            let last = try head(txn)
            guard position < last else { return }
            for p in (position + 1)...last {
                let old = try event(p, txn)
                try txn.delete(events, Self.key(p))
                try txn.delete(streams, Self.streamKey(old.stream, old.streamVersion))
                try txn.delete(ids, withUnsafeBytes(of: old.id.uuid) { Array($0) })
                try txn.delete(byType, Self.typeKey(old.type, p))
            }
            let kept = try event(position, txn)
            try writeHead(position, hash: kept.hash, time: kept.recordedAt, txn)
        }
    }

    /// Adds a forged correction (by "mallory") to the last event's stream; with `movingHead` the
    /// head follows it (a consistent forgery), without it the event sits past the head.
    func append(movingHead: Bool) throws {
        try environment.write { txn in
            let last = try head(txn)
            let tip = try event(last, txn)
            var forged = Self.proposed(tip)
            forged.id = UUID()
            forged.metadata.actor = "mallory"
            forged.metadata.reason = "forged"
            let hash = try store(forged, stream: tip.stream, version: tip.streamVersion + 1, at: last + 1, time: tip.recordedAt,
                                 after: tip.hash, txn)
            if movingHead { try writeHead(last + 1, hash: hash, time: tip.recordedAt, txn) }
        }
    }
}

struct TamperError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
