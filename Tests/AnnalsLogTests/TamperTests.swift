import AnnalsCore
import AnnalsLMDBLog
import AnnalsLMDB
import AnnalsTesting
import Foundation
import Testing

/// Changes made behind the log's back are found by `verify`, at exactly the right position.
@Suite("Tamper evidence")
struct TamperTests {
    func filledStore(_ count: Int = 40) throws -> TemporaryStore {
        let store = try TemporaryStore()
        let log = try store.open()
        for i in 1...count {
            let payload = Array("{\"marker\":\"TAMPER-\(String(format: "%03d", i))\",\"n\":\(i)}".utf8)
            try log.append(to: StreamID("article/\(i % 4)"), expected: .any,
                           [ProposedEvent(type: "Marked", payload: payload, metadata: EventMetadata(actor: "tester"))])
        }
        #expect(try log.verify().isValid)
        return store
    }

    @Test("one payload byte changed through a raw put fails verify at that position")
    func rawPut() throws {
        let store = try filledStore()
        let log = try store.open()
        let events = try log.environment.database(LMDBEventLog.DatabaseName.events)
        let key: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 17]
        try log.environment.write { txn in
            guard var value = try txn.get(events, key) else { throw ConformanceFailure("no event 17") }
            value[value.count - 3] ^= 0x01  // a digit of "n":17 becomes another digit
            try txn.put(events, key, value)
        }
        let report = try log.verify()
        #expect(report.problem?.position == 17)
        #expect(report.problem?.kind == .hashMismatch)
        #expect(report.eventsChecked == 16)
    }

    @Test("one byte flipped in data.mdb fails verify at that position")
    func flippedFileByte() throws {
        let store = try filledStore()
        store.close()
        let file = store.path + "/data.mdb"
        var data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        let marker = Array("TAMPER-023".utf8)
        var flipped = 0
        // Stale copies of the page may sit in free pages; change every copy.
        var i = 0
        while i + marker.count <= data.count {
            if data[i] == marker[0] && Array(data[i..<i + marker.count]) == marker {
                data[i + 7] = UInt8(ascii: "9")
                flipped += 1
                i += marker.count
            } else {
                i += 1
            }
        }
        try #require(flipped > 0)
        try Data(data).write(to: URL(fileURLWithPath: file))
        let report = try store.open().verify()
        #expect(report.problem?.position == 23)
        #expect(report.problem?.kind == .hashMismatch)
    }

    @Test("a removed event-id index entry fails verify at its event")
    func missingIDIndex() throws {
        let store = try filledStore()
        let log = try store.open()
        let target = try #require(try log.event(at: 9))
        let ids = try log.environment.database(LMDBEventLog.DatabaseName.ids)
        try log.environment.write { txn in
            _ = try txn.delete(ids, withUnsafeBytes(of: target.id.uuid) { Array($0) })
        }
        let report = try log.verify()
        #expect(report.problem?.position == 9)
        #expect(report.problem?.kind == .idIndex)
    }

    @Test("a stream index entry pointing elsewhere fails verify")
    func wrongStreamIndex() throws {
        let store = try filledStore()
        let log = try store.open()
        let streams = try log.environment.database(LMDBEventLog.DatabaseName.streams)
        let event = try #require(try log.event(at: 12))
        var key = Array(event.stream.rawValue.utf8) + [0]
        withUnsafeBytes(of: event.streamVersion.bigEndian) { key.append(contentsOf: $0) }
        try log.environment.write { txn in try txn.put(streams, key, [0, 0, 0, 0, 0, 0, 0, 11]) }
        let report = try log.verify()
        #expect(report.problem?.position == 12)
        #expect(report.problem?.kind == .streamIndex)
    }

    @Test("a deleted event is reported missing at its position")
    func deletedEvent() throws {
        let store = try filledStore()
        let log = try store.open()
        let events = try log.environment.database(LMDBEventLog.DatabaseName.events)
        try log.environment.write { txn in _ = try txn.delete(events, [0, 0, 0, 0, 0, 0, 0, 30]) }
        let report = try log.verify()
        #expect(report.problem?.position == 30)
        #expect(report.problem?.kind == .missingEvent)
    }
}
