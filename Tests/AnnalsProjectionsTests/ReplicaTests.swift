import AnnalsCore
import AnnalsLMDB
import AnnalsProjections
import AnnalsRecords
import AnnalsTesting
import Foundation
import Testing

@Suite("A follower's store: a replica of a shared log with its projections")
struct ReplicaTests {
    /// A shared log (in memory here) holding `count` diplomacy events.
    static func sharedLog(_ count: Int, prefix: String = "replica") throws -> InMemoryEventLog {
        let log = InMemoryEventLog()
        let editor = RecordEditor(log: log)
        let context = EditContext(actor: "biên tập", reason: "sao chép")
        for i in 0..<count {
            try editor.create(.diplomacyEvent(DiplomacyEvent(id: RecordID("event/\(prefix)-\(i)"), kind: EventKind("meeting"), title: "Hội đàm số \(i)",
                                                             date: RecordDate("20\(10 + i % 12)"),
                                                             quantities: [Quantity(metric: "ngo-aid", value: ExactDecimal("\(i)"), unit: "USD")])),
                              context: context)
        }
        return log
    }

    @Test("the replica holds the shared log byte for byte, its tables equal a store built from it, and it takes no appends of its own")
    func replicaEqualsSource() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let shared = try Self.sharedLog(120)
        let store = try ProjectedStore(path: directory.appending("follower"), create: true)
        defer { store.close() }
        let follower = SharedLogReplica(store: store, source: shared, address: "memory://shared")
        try follower.adopt()
        #expect(try store.replica.source() == "memory://shared")
        var batches = 0
        #expect(try follower.catchUp(batchSize: 7) { _, _ in batches += 1 } == 120)
        #expect(try batches == 18 && follower.lag() == 0)
        // A batch that overlaps what is applied skips the overlap: nothing is applied twice.
        try RecordEditor(log: shared).correct(RecordID("event/replica-3"), set: [(FieldPath("title"), .string("Hội đàm biên giới"))],
                                              context: EditContext(actor: "biên tập", reason: "sửa tên"))
        #expect(try store.replica.replicate(try shared.readLog(from: 100, limit: 100)) == 121)
        #expect(try store.events.readStream(StreamID("event/replica-3")).count == 2)
        var local: [RecordedEvent] = [], source: [RecordedEvent] = []
        try store.log.forEachEvent { local.append($0); return true }
        try shared.forEachEvent { source.append($0); return true }
        #expect(local == source && local.count == 121)
        let built = try StoreDirectory.restoreLog(into: directory.appending("built")) { sink in try shared.forEachEvent { try sink($0); return true } }
        defer { built.close() }
        #expect(try FollowerTests.liveTables(store.environment) == FollowerTests.liveTables(built.environment))
        // Edits go to the shared log, never into the replica's copy.
        #expect(throws: ProjectionError.replicaWrite(source: "memory://shared")) {
            try store.editor.retract(RecordID("event/replica-4"), context: EditContext(actor: "biên tập", reason: "thử"))
        }
        #expect(try store.events.head().position == 121)
    }

    @Test("a shared log that does not hold the replica's history is refused, and so is a store with a log of its own")
    func divergedHistory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try ProjectedStore(path: directory.appending("follower"), create: true)
        defer { store.close() }
        let follower = SharedLogReplica(store: store, source: try Self.sharedLog(30), address: "memory://shared")
        try follower.adopt()
        try follower.catchUp()
        // Another log with other events at the same positions: rewritten history.
        let other = SharedLogReplica(store: store, source: try Self.sharedLog(40, prefix: "other"), address: "memory://other")
        #expect(throws: ProjectionError.self) { try other.adopt() }
        #expect(throws: ProjectionError.self) { try other.catchUp() }
        // A shorter one: cut short.
        let shorter = SharedLogReplica(store: store, source: try Self.sharedLog(10), address: "memory://shorter")
        #expect(throws: ProjectionError.self) { try shorter.checkHistory() }
        #expect(try store.events.head().position == 30 && store.replica.source() == "memory://shared")

        let own = try ProjectedStore(path: directory.appending("own"), create: true)
        defer { own.close() }
        try own.editor.create(.diplomacyEvent(DiplomacyEvent(id: RecordID("event/own"), kind: EventKind("meeting"), title: "Của riêng", date: RecordDate("2020"))),
                              context: EditContext(actor: "biên tập"))
        #expect(throws: EventLogError.self) { try SharedLogReplica(store: own, source: try Self.sharedLog(3), address: "memory://shared").adopt() }
        #expect(try own.replica.source() == nil)
    }

    @Test("verifyHistory re-hashes every shared row: one changed byte with its old hash kept is found at its position, where the head check passes")
    func changedRowFound() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let shared = try Self.sharedLog(50)
        let store = try ProjectedStore(path: directory.appending("follower"), create: true)
        defer { store.close() }
        let follower = SharedLogReplica(store: store, source: shared, address: "memory://shared")
        try follower.adopt()
        try follower.catchUp()
        #expect(try follower.verifyHistory() == nil)
        let tampered = SharedLogReplica(store: store, source: TamperedLog(shared, at: 17), address: "memory://shared")
        try tampered.checkHistory()  // the head alone still agrees
        let problem = try tampered.verifyHistory()
        #expect(problem?.position == 17 && problem?.kind == .hashMismatch, "\(String(describing: problem))")
        // A shared log cut short is found at the first missing position.
        let cut = SharedLogReplica(store: store, source: try Self.sharedLog(20), address: "memory://shared")
        #expect(try cut.verifyHistory()?.position == 1, "another log with other events differs from the first")
    }

    @Test("a follower keeps its shared log: another address is refused unless switching, which checks the whole history and is recorded")
    func switchingSource() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let shared = try Self.sharedLog(30)
        let store = try ProjectedStore(path: directory.appending("follower"), create: true)
        defer { store.close() }
        let follower = SharedLogReplica(store: store, source: shared, address: "memory://primary")
        try follower.adopt()
        try follower.catchUp()
        // A clone holding this history plus one other edit: refused without the switch.
        // (The same log under another address stands for the clone here.)
        try RecordEditor(log: shared).retract(RecordID("event/replica-2"), context: EditContext(actor: "biên tập", reason: "bản sao"))
        let moved = SharedLogReplica(store: store, source: shared, address: "memory://clone")
        #expect(throws: ProjectionError.replicaSourceChanged(recorded: "memory://primary", given: "memory://clone")) { try moved.adopt() }
        #expect(try store.replica.source() == "memory://primary" && store.replica.switches().isEmpty)
        // The same database under another spelling is not a switch.
        try SharedLogReplica(store: store, source: shared, address: "memory://primary?tls").adopt(sameLog: { $0 == "memory://primary" })
        #expect(try store.replica.switches().isEmpty)
        // A switch to a log with another history is refused, naming the position.
        let other = SharedLogReplica(store: store, source: TamperedLog(shared, at: 9), address: "memory://other")
        #expect(throws: ProjectionError.self) { try other.adopt(switching: true) }
        #expect(try store.replica.source() == "memory://primary?tls")
        // Asked for, to a log that holds the history: done and recorded.
        try moved.adopt(switching: true)
        #expect(try store.replica.source() == "memory://clone")
        let switches = try store.replica.switches()
        #expect(switches.count == 1 && switches.first?.from == "memory://primary?tls" && switches.first?.to == "memory://clone" && switches.first?.position == 30)
        #expect(try moved.catchUp() == 31)
    }
}

/// A shared log whose event at one position has a payload byte changed and its hash kept, as an
/// edit of the events table's row would leave it.
final class TamperedLog: EventLog {
    let inner: InMemoryEventLog
    let position: UInt64

    init(_ inner: InMemoryEventLog, at position: UInt64) {
        self.inner = inner
        self.position = position
    }

    private func tamper(_ event: RecordedEvent) -> RecordedEvent {
        guard event.position == position else { return event }
        var payload = event.payload
        payload[payload.count / 2] ^= 0x01
        return RecordedEvent(position: event.position, id: event.id, stream: event.stream, streamVersion: event.streamVersion, type: event.type,
                             schemaVersion: event.schemaVersion, payload: payload, metadata: event.metadata, recordedAt: event.recordedAt, hash: event.hash)
    }

    func append(_ appends: [StreamAppend]) throws -> [RecordedEvent] { try inner.append(appends) }
    func readStream(_ stream: StreamID, from version: UInt64, direction: ReadDirection, limit: Int) throws -> [RecordedEvent] {
        try inner.readStream(stream, from: version, direction: direction, limit: limit).map(tamper)
    }
    func readLog(from position: UInt64, limit: Int) throws -> [RecordedEvent] { try inner.readLog(from: position, limit: limit).map(tamper) }
    func event(id: UUID) throws -> RecordedEvent? { try inner.event(id: id).map(tamper) }
    func event(at position: UInt64) throws -> RecordedEvent? { try inner.event(at: position).map(tamper) }
    func streamHead(_ stream: StreamID) throws -> StreamHead? { try inner.streamHead(stream) }
    func head() throws -> LogHead { try inner.head() }
    func verify() throws -> VerificationReport { try inner.verify() }
}
