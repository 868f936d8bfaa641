import AnnalsCore
import Foundation
import Testing

@Suite("Event ids")
struct EventIDTests {
    @Test("random ids are version-4 UUIDs with the RFC 4122 variant, and distinct")
    func randomIDs() {
        let ids = (0..<10_000).map { _ in UUID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            let text = id.uuidString
            let parts = text.split(separator: "-")
            #expect(parts[2].first == "4", "\(text) is not version 4")
            #expect("89AB".contains(parts[3].first ?? "x"), "\(text) lacks the RFC 4122 variant")
        }
    }
}

@Suite("Time-ordered event ids")
struct TimeOrderedIDTests {
    @Test("time-ordered ids are version-7 UUIDs, carry the time, and increase byte for byte")
    func timeOrderedIDs() {
        let start = UInt64(Date().timeIntervalSince1970 * 1000)
        let ids = (0..<20_000).map { _ in UUID.timeOrdered() }
        #expect(Set(ids).count == ids.count)
        let bytes = ids.map { id in withUnsafeBytes(of: id.uuid) { Array($0) } }
        #expect(zip(bytes, bytes.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) }, "ids made one after another do not increase")
        for id in ids.prefix(100) {
            let text = id.uuidString
            let parts = text.split(separator: "-")
            #expect(parts[2].first == "7", "\(text) is not version 7")
            #expect("89AB".contains(parts[3].first ?? "x"), "\(text) lacks the RFC 4122 variant")
        }
        let millis = bytes[0].prefix(6).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(millis >= start && millis < start + 60_000, "the id's time \(millis) is not now (\(start))")
    }
}
