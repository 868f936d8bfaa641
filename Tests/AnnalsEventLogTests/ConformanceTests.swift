import AnnalsEventLog
import AnnalsTesting
import Testing

@Suite("EventLog conformance on LMDB")
struct ConformanceTests {
    @Test("conformance", arguments: EventLogConformance.names)
    func conformance(_ name: String) throws {
        let store = try TemporaryStore()
        try EventLogConformance.run(name, on: store.open())
    }
}
