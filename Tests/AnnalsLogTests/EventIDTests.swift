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
