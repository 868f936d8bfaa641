import AnnalsCore
import AnnalsProjections
import AnnalsRecords
import AnnalsTesting
import Testing

@Suite("Current state, search and audit")
struct QueryTests {
    @Test("search ignores case and Vietnamese diacritics, đ included")
    func search() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        let found = try SearchReader(w.store).find("hoi nghi ngoai giao").map(\.id.rawValue)
        #expect(found == ["article/baolangson.vn/476767", "event/2022-01-21-economic-diplomacy-conference"])
        #expect(try SearchReader(w.store).find("HỘI NGHỊ Ngoại Giao").map(\.id.rawValue) == found)
        let dongA = ["article/baolangson.vn/476767", "event/lang-son-2021-hospital-beds-dong-a"]
        #expect(try SearchReader(w.store).find("dong a").map(\.id.rawValue) == dongA)
        #expect(try SearchReader(w.store).find("Đông Á").map(\.id.rawValue) == dongA)
        #expect(try SearchReader(w.store).find("mia duong dong a nam ninh").map(\.id.rawValue) == dongA)
        #expect(try SearchReader(w.store).find("hoi nghi khong co").isEmpty)
        #expect(TextFolding.tokens("Đồng chí ĐỖ, đường") == ["dong", "chi", "do", "duong"])
    }

    @Test("a correction is searchable at once: old words leave the index, new words enter")
    func searchAfterCorrection() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        let id = try RecordID("event/lang-son-2021-vaccine-aid-guangxi")
        try w.editor.correct(id, set: [(FieldPath("title"), .string("Lô vắc xin Quế Lâm"))], context: edit("e", "Tiêu đề rõ hơn"))
        #expect(try SearchReader(w.store).find("que lam").map(\.id) == [id])
        try w.editor.correct(id, set: [(FieldPath("title"), .string("Lô vắc xin từ Quảng Tây"))], context: edit("e", "Nhầm địa danh"))
        #expect(try SearchReader(w.store).find("que lam").isEmpty)
        #expect(try SearchReader(w.store).find("lo vac xin").map(\.id) == [id])
    }

    @Test("corrections of indexed text move exactly the words the records hold, words kept by untouched fields included")
    func correctionsMoveTheRightWords() throws {
        // Phrases whose syllables the seed's records also hold in fields the corrections leave alone.
        let phrases = ["Lạng Sơn", "hội nghị ngoại giao", "vắc xin", "Quảng Tây", "bệnh viện", "Đông Á", "viện trợ", "kinh tế"]
        let syllables = TextFolding.tokens(phrases.joined(separator: " "))
        let indexedFields = ["title", "paragraphs", "keywords", "authors", "description", "place", "organizer", "participants", "counterparts"]
        func strings(_ value: JSONValue?) -> [String] {
            switch value {
            case .string(let text)?: return [text]
            case .array(let items)?: return items.flatMap { strings($0) }
            case .object(let members)?: return members.values.flatMap { strings($0) }
            default: return []
            }
        }
        var generator = SeededGenerator(state: 0x2026_1206)
        func next(_ bound: Int) -> Int { Int.random(in: 0..<bound, using: &generator) }
        var corrections = 0, compared = 0
        for round in 0..<12 {
            let w = try ProjectedWorkspace()
            try w.importSeedFacts()
            let events = try RecordsReader(w.store).list(.diplomacyEvent).map(\.id)
            for _ in 0..<10 {
                let text = (0...next(2)).map { _ in phrases[next(phrases.count)] }.joined(separator: ", ")
                let field = ["title", "place", "description"][next(3)]
                do {
                    try w.editor.correct(events[next(events.count)], set: [(FieldPath(field), .string(text))], context: edit("e", "vòng \(round)"))
                    corrections += 1
                } catch is RecordError {
                    continue  // the field already said that
                }
            }
            var states: [RecordState] = []
            for type in RecordType.allCases { states += try RecordsReader(w.store).list(type) }
            for syllable in syllables {
                let holders = states.filter { state in
                    indexedFields.flatMap { strings(state.document[$0]) }.contains { TextFolding.tokens($0).contains(syllable) }
                }
                #expect(Set(try SearchReader(w.store).find(syllable).map(\.id)) == Set(holders.map(\.id)), "\(syllable) in round \(round)")
                compared += holders.count
            }
        }
        #expect(corrections >= 100, "only \(corrections) corrections landed")
        #expect(compared >= 200, "only \(compared) holders were compared")
    }

    @Test("a retracted record leaves the search and a restored one comes back; overlong words are found by their start")
    func searchRetractRestoreAndLongWords() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        let id = try RecordID("event/lang-son-2021-vaccine-aid-guangxi")
        let before = try SearchReader(w.store).find("vac xin").map(\.id)
        #expect(before.contains(id))
        try w.editor.retract(id, context: edit("e", "Trùng lặp"))
        #expect(try SearchReader(w.store).find("vac xin").map(\.id) == before.filter { $0 != id })
        try w.editor.restore(id, context: edit("e", "Không trùng"))
        #expect(try SearchReader(w.store).find("vac xin").map(\.id) == before)
        // A 600-letter "word" (LMDB keys stop at 511 bytes) is indexed by its first 128 bytes.
        let long = String(repeating: "ạ", count: 300) + String(repeating: "b", count: 300)
        try w.editor.correct(id, set: [(FieldPath("description"), .string("Mã lô \(long)"))], context: edit("e", "Mã lô"))
        #expect(try SearchReader(w.store).find(long).map(\.id) == [id])
        #expect(try SearchReader(w.store).find(String(repeating: "a", count: 128)).map(\.id) == [id])
        #expect(try w.store.maintenance.verifyProjections() == [])
    }

    @Test("lists filter by year, source, category, kind and counterpart")
    func lists() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        #expect(try RecordsReader(w.store).list(.diplomacyEvent).count == 5)
        #expect(try RecordsReader(w.store).list(.diplomacyEvent, filter: RecordFilter(year: 2021)).count == 3)
        #expect(try RecordsReader(w.store).list(.diplomacyEvent, filter: RecordFilter(kind: "aid-received")).count == 4)
        #expect(try RecordsReader(w.store).list(.diplomacyEvent, filter: RecordFilter(counterpart: "quang tay")).map(\.id.rawValue)
                == ["event/lang-son-2021-hospital-beds-dong-a", "event/lang-son-2021-vaccine-aid-guangxi"])
        #expect(try RecordsReader(w.store).list(.article, filter: RecordFilter(source: "baolangson.vn", category: "kinh-te")).count == 1)
        #expect(try RecordsReader(w.store).list(.article, filter: RecordFilter(category: "the-thao")).isEmpty)
        let state = try #require(try RecordsReader(w.store).record(RecordID("article/baolangson.vn/476767")))
        #expect(state.version == 6 && state.createdBy == "importer" && !state.retracted)
    }

    @Test("audit by actor, by record and by time, newest first, with old → new values")
    func audit() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        let afterImport = w.clock.advance(days: 1)
        let id = try RecordID("event/lang-son-2021-ngo-aid")
        try w.editor.correct(id, set: [(FieldPath("quantities[0].value"), .string("1108745"))], context: edit("auditor", "Chứng từ"))
        w.clock.advance(days: 1)
        try w.editor.correct(id, set: [(FieldPath("place"), .string("Tỉnh Lạng Sơn"))], context: edit("auditor", "Tên đầy đủ"))
        w.clock.advance(days: 1)
        try w.editor.retract(RecordID("event/lang-son-2020-ngo-aid"), context: edit("editor", "Số liệu suy ra"))

        let byActor = try AuditReader(w.store).edits(AuditFilter(actor: "auditor"))
        #expect(byActor.map { $0.changes.first?.field.description } == ["place", "quantities[0].value"])
        #expect(byActor.last?.changes.first?.old == .string("1108742") && byActor.last?.changes.first?.new == .string("1108745"))
        #expect(byActor.last?.event.metadata.reason == "Chứng từ")

        let byRecord = try AuditReader(w.store).edits(AuditFilter(record: id))
        #expect(byRecord.map(\.kind) == [.corrected, .corrected, .linked, .created])

        let byTime = try AuditReader(w.store).edits(AuditFilter(since: afterImport))
        #expect(byTime.map(\.event.metadata.actor) == ["editor", "auditor", "auditor"])
        let window = try AuditReader(w.store).edits(AuditFilter(since: afterImport, until: afterImport))
        #expect(window.count == 1 && window.first?.changes.first?.field.description == "quantities[0].value")
        #expect(try AuditReader(w.store).edits(AuditFilter(kind: .retracted)).map(\.record?.rawValue) == ["event/lang-son-2020-ngo-aid"])
        #expect(try AuditReader(w.store).edits(AuditFilter(actor: "importer", limit: 3)).count == 3)
        // By kind, the by-type index answers; it must agree with a walk of the whole log.
        let everything = try AuditReader(w.store).edits(AuditFilter())
        for kind in EditKind.allCases {
            for filter in [AuditFilter(kind: kind), AuditFilter(since: afterImport, kind: kind), AuditFilter(kind: kind, limit: 2)] {
                let expected = Array(everything.filter { entry in
                    entry.kind == kind && filter.since.map { entry.event.recordedAt >= $0 } != false
                }.prefix(filter.limit))
                #expect(try AuditReader(w.store).edits(filter).map(\.event.position) == expected.map(\.event.position), "\(kind)")
            }
        }
        #expect(everything.filter { $0.kind == .corrected }.count == 2, "the comparison above needs corrections to compare")
    }

    @Test("a read after an acknowledged edit sees it, also from a second open of the store")
    func readAfterWrite() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        let id = try RecordID("event/lang-son-2021-hospital-beds-dong-a")
        try w.editor.correct(id, set: [(FieldPath("quantities[0].value"), .string("210"))], context: edit("e", "Đếm lại"))
        #expect(try RecordsReader(w.store).record(id)?.document["quantities"]?.description.contains("\"210\"") == true)
        try w.reopen()
        #expect(try w.total(.quantity, year: 2021, ["hospital-beds", "beds"])?.sum == (try usd("210")))
        for status in try w.store.projections.status() { #expect(status.position == (try w.store.events.head().position)) }
    }
}
