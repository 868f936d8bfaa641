import AnnalsCore
import AnnalsLMDB
import AnnalsMigrations
import AnnalsProjections
import AnnalsRecords
import AnnalsTesting
import Foundation
import Testing

let fixtures = RepositoryFiles.path("Tests/AnnalsMigrationsTests/Fixtures")

/// A new store holding exactly the events of an exported fixture.
func restored(_ fixture: String, into directory: TemporaryDirectory) throws -> ProjectedStore {
    try StoreDirectory.restoreLog(into: directory.appending("store")) { sink in
        for line in LineReader(path: "\(fixtures)/\(fixture)") where !line.isEmpty { try sink(RecordedEvent(exportLine: line)) }
    }
}

func document(_ store: ProjectedStore, _ id: String) throws -> JSONValue {
    try #require(try RecordsReader(store).record(RecordID(id))).document
}

@Suite("Schema evolution")
struct MigrationTests {
    @Test("the binary's migrations are the migrations/ folder, byte for byte")
    func embeddedMatchesFolder() throws {
        let folder = RepositoryFiles.path("migrations")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        let files = try names.map { ($0, Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\($0)")))) }
        let embedded = try MigrationSet.embedded()
        let fromFolder = try MigrationSet(files: files)
        #expect(embedded.migrations == fromFolder.migrations, "run tools/embed-migrations.sh and commit the result")
        #expect(embedded.migrations.map(\.id) == names.map { String($0.dropLast(5)) })
        #expect(try String(contentsOfFile: RepositoryFiles.path("migrations/README.md"), encoding: .utf8).contains("event-upcast"))
    }

    @Test("the records layer writes the version the upcast chains end at")
    func currentVersions() throws {
        let migrations = try MigrationSet.embedded()
        for type in RecordType.allCases {
            #expect(RecordPayload.currentVersion(of: type) == migrations.currentVersion(of: type), "\(type)")
        }
        #expect(migrations.currentVersion(of: .diplomacyEvent) == 4)
    }

    @Test("0002: counterparts written as text become name and country code, in creates and corrections")
    func counterpartCountry() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try restored("0002-counterparts-schema1.jsonl", into: directory)
        defer { store.environment.close() }
        #expect(try document(store, "event/legacy-vaccine-2021")["counterparts"]?.description
                == #"[{"countryCode":"CN","name":"Quảng Tây (Trung Quốc)"},{"countryCode":"LA","name":"Lào"}]"#)
        #expect(try document(store, "event/legacy-beds-2021")["counterparts"]?.description
                == #"[{"countryCode":"CN","name":"Tập đoàn mía đường Đông Á (Nam Ninh, Quảng Tây, Trung Quốc)"}]"#)
        let correction = try #require(try store.events.readStream(StreamID("event/legacy-vaccine-2021")).last)
        #expect(correction.schemaVersion == 4)
        #expect(try RecordPayload.changes(in: JSONValue.parse(correction.payload)).first?.new?.description.contains(#""countryCode":"LA""#) == true)
        // Stored events are never rewritten: the raw bytes still carry schema 1 and the chain verifies.
        let raw = try #require(try store.log.event(at: 1))
        #expect(raw.schemaVersion == 1 && raw.payloadText.contains(#"["Quảng Tây (Trung Quốc)"]"#))
        #expect(try store.events.verify().isValid)
    }

    @Test("0003: Vietnamese unit names become USD, doses and beds, so totals add up")
    func unitNames() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try restored("0003-units-schema2.jsonl", into: directory)
        defer { store.environment.close() }
        let quantities = try AggregatesReader(store).cells(family: .quantity).map { "\($0.key.year) \($0.key.dimensions.joined(separator: "/")) \($0.value.sum)" }
        #expect(quantities == ["2021 ngo-aid/USD 1108742", "2021 ngo-aid-pledged/USD 50000"])
    }

    @Test("0005: CAMEO country codes become ISO alpha-2 and region codes move to region, in creates and corrections")
    func countryVocabulary() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try restored("0005-countries-schema3.jsonl", into: directory)
        defer { store.environment.close() }
        // Created with CHINA (CHN), corrected to EUROPE (EUR): a region, never a country.
        #expect(try document(store, "event/gdelt/legacy-1")["counterparts"]?.description == #"[{"name":"EUROPE","region":"EUR"}]"#)
        let history = try store.events.readStream(StreamID("event/gdelt/legacy-1"))
        #expect(try RecordPayload.changes(in: JSONValue.parse(history[1].payload)).first?.old?.description == #"[{"countryCode":"CN","name":"CHINA"}]"#)
        // CAMEO's own code ROM is Romania's RO; a correction of the code alone is mapped too.
        #expect(try document(store, "event/gdelt/legacy-2")["counterparts"]?.description
                == #"[{"countryCode":"TR","name":"BUCHAREST"},{"name":"NATO","region":"WST"}]"#)
        let correction = try #require(try store.events.readStream(StreamID("event/gdelt/legacy-2")).last)
        #expect(correction.schemaVersion == 4 && correction.payloadText.contains(#""old":"RO""#))
        // Stored bytes keep schema 3 and the chain verifies.
        #expect(try store.log.event(at: 1)?.payloadText.contains(#""countryCode":"CHN""#) == true)
        #expect(try store.events.verify().isValid)
    }

    @Test("a chain of two upcasts: a schema-1 create goes through 0002 and then 0003")
    func chain() throws {
        let upcaster = try Upcaster.embedded()
        let line = try #require(LineReader(path: "\(fixtures)/0002-counterparts-schema1.jsonl").first { $0.contains("legacy-beds") })
        let event = try upcaster.upcast(RecordedEvent(exportLine: line))
        #expect(event.schemaVersion == 4)
        let record = try #require(try JSONValue.parse(event.payload)["record"])
        #expect(record["quantities"]?.description == #"[{"metric":"hospital-beds","unit":"beds","value":"200"}]"#)
        #expect(record["counterparts"]?.description.contains(#""countryCode":"CN""#) == true)
        guard case .diplomacyEvent = try Record.decode(record, as: .diplomacyEvent) else { throw ConformanceFailure("not an event") }
    }

    @Test("projections of migrated events equal those of the same facts written in the new schema",
          arguments: ["0002-counterparts-schema1.jsonl", "0003-units-schema2.jsonl"])
    func equivalence(_ fixture: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let migrated = try restored(fixture, into: directory)
        defer { migrated.environment.close() }
        let fresh = try ProjectedStore(path: directory.appending("new"), create: true)
        defer { fresh.environment.close() }
        let editor = RecordEditor(log: fresh.events, states: RecordsReader(fresh))
        let context = EditContext(actor: "nhập liệu", reason: "dữ liệu cũ")
        let cn = Counterpart(name: "Quảng Tây (Trung Quốc)", countryCode: "CN")
        let ids: [String]
        if fixture.hasPrefix("0002") {
            ids = ["event/legacy-vaccine-2021", "event/legacy-beds-2021"]
            try editor.create(.diplomacyEvent(DiplomacyEvent(id: RecordID(ids[0]), kind: EventKind("aid-received"), title: "Vắc xin từ Quảng Tây",
                                                             date: RecordDate("2021"), place: "Lạng Sơn", counterparts: [cn],
                                                             quantities: [Quantity(metric: "vaccine-doses", value: ExactDecimal("150000"), unit: "doses")])), context: context)
            try editor.create(.diplomacyEvent(DiplomacyEvent(id: RecordID(ids[1]), kind: EventKind("aid-received"), title: "Giường bệnh điều trị COVID-19",
                                                             date: RecordDate("2021"),
                                                             counterparts: [Counterpart(name: "Tập đoàn mía đường Đông Á (Nam Ninh, Quảng Tây, Trung Quốc)", countryCode: "CN")],
                                                             quantities: [Quantity(metric: "hospital-beds", value: ExactDecimal("200"), unit: "beds")])), context: context)
            try editor.correct(RecordID(ids[0]), set: [(FieldPath("counterparts"), JSONValue.from([cn, Counterpart(name: "Lào", countryCode: "LA")]))], context: context)
        } else {
            ids = ["event/legacy-ngo-aid-2021"]
            try editor.create(.diplomacyEvent(DiplomacyEvent(id: RecordID(ids[0]), kind: EventKind("aid-received"), title: "Viện trợ phi chính phủ 2021",
                                                             date: RecordDate("2021"), place: "Lạng Sơn", counterparts: [Counterpart(name: "Các tổ chức phi chính phủ nước ngoài")],
                                                             quantities: [Quantity(metric: "ngo-aid", value: ExactDecimal("1108742"), unit: "USD")])), context: context)
            try editor.correct(RecordID(ids[0]), set: [(FieldPath("quantities"), JSONValue.from([
                Quantity(metric: "ngo-aid", value: ExactDecimal("1108742"), unit: "USD"),
                Quantity(metric: "ngo-aid-pledged", value: ExactDecimal("50000"), unit: "USD")]))], context: context)
        }
        for id in ids {
            #expect(try document(migrated, id) == document(fresh, id), "\(id)")
        }
        let families = ["articles", "views", "events", "quantity"]
        #expect(try AggregatesReader(migrated).cells().filter { families.contains($0.key.family) } == AggregatesReader(fresh).cells().filter { families.contains($0.key.family) })
        #expect(try SearchReader(migrated).find("lang son").map(\.id) == SearchReader(fresh).find("lang son").map(\.id))
    }

    @Test("an event newer than this binary knows fails clearly, naming the event, its type and version")
    func newerSchema() throws {
        let future = RecordedEvent(position: 7, id: UUID(), stream: try StreamID("event/x"), streamVersion: 1, type: "DiplomacyEventCreated",
                                   schemaVersion: 9, payload: Array("{}".utf8), metadata: EventMetadata(actor: "a"),
                                   recordedAt: Timestamp(microsecondsSinceEpoch: 0), hash: [])
        let error = #expect(throws: RecordError.self) { _ = try Upcaster.embedded().upcast(future) }
        let message = error?.description ?? ""
        #expect(message.contains("position 7") && message.contains("DiplomacyEventCreated v9") && message.contains("up to version 4"))
    }

    @Test("migration files with mistakes are refused naming the file and field")
    func badFiles() {
        let bad: [(String, String)] = [
            (#"{"id":"0009-x","description":"d","kind":"event-upcast","recordType":"memo","fromVersion":3,"toVersion":4,"upcasts":{}}"#, "recordType"),
            (#"{"id":"0009-x","description":"d","kind":"event-upcast","recordType":"article","fromVersion":1,"toVersion":3,"upcasts":{}}"#, "fromVersion"),
            (#"{"id":"0009-x","description":"d","kind":"event-upcast","recordType":"article","fromVersion":1,"toVersion":2,"upcasts":{"ArticleCreated":[{"op":"explode","path":"record.x"}]}}"#, "upcasts.ArticleCreated[0]"),
            (#"{"id":"0009-x","description":"d","kind":"store-format","fromFormat":2,"toFormat":4,"step":"s"}"#, "fromFormat"),
            (#"{"id":"0010-y","description":"d","kind":"store-format","fromFormat":2,"toFormat":3,"step":"s"}"#, "id"),
        ]
        for (text, field) in bad {
            let error = #expect(throws: RecordError.self) { _ = try Migration.parse(Array(text.utf8), file: "0009-x.json") }
            #expect(error?.description.contains("0009-x.json: \(field)") == true, "\(text): \(String(describing: error))")
        }
    }
}
