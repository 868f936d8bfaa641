import AnnalsCore
import AnnalsProjections
import AnnalsRecords
import AnnalsTesting
import Testing

@Suite("Per-year aggregates and time travel")
struct AggregateTests {
    @Test("NGO aid reads 115,913 USD for 2020 and 1,108,742 USD for 2021")
    func seedTotals() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        #expect(try w.total(.quantity, year: 2020, ["ngo-aid", "USD"]) == AggregateValue(count: 1, sum: try usd("115913")))
        #expect(try w.total(.quantity, year: 2021, ["ngo-aid", "USD"]) == AggregateValue(count: 1, sum: try usd("1108742")))
        #expect(try w.total(.quantity, year: 2021, ["vaccine-doses", "doses"])?.sum == (try usd("150000")))
        #expect(try w.total(.quantity, year: 2021, ["hospital-beds", "beds"])?.sum == (try usd("200")))
        #expect(try w.total(.events, year: 2021, ["aid-received", "Quảng Tây (Trung Quốc)"])?.count == 1)
        #expect(try w.total(.events, year: 2022, ["conference", "(none)"])?.count == 1)
        #expect(try w.total(.articles, year: 2022, ["baolangson.vn", "kinh-te"])?.count == 1)
        #expect(try w.total(.views, year: 2022, [])?.sum == (try usd("258")))
        // The audit view: one edit per create and link, by the importer, in the year recorded.
        #expect(try w.total(.edits, year: 2026, ["importer", "create"])?.count == 6)
        #expect(try w.total(.edits, year: 2026, ["importer", "link"])?.count == 10)
    }

    @Test("as of every position, the aggregates are what the store showed then, read from either end of the history")
    func asOfEveryPosition() throws {
        let w = try ProjectedWorkspace()
        var shown: [UInt64: [AggregateRow]] = [0: try AggregatesReader(w.store).cells()]
        try w.importSeedFacts()
        shown[try w.store.events.head().position] = try AggregatesReader(w.store).cells()
        let aid = try RecordID("event/lang-son-2021-ngo-aid"), conference = try RecordID("event/2022-01-21-economic-diplomacy-conference")
        for round in 0..<40 {
            w.clock.advance(days: 1)
            switch round % 4 {
            case 0: try w.editor.correct(aid, set: [(FieldPath("quantities[0].value"), .string("\(1_108_743 + round)"))], context: edit("a", "sửa"))
            case 1: try w.editor.correct(conference, set: [(FieldPath("date"), .string(round % 8 == 1 ? "2021-01-21" : "2022-01-21"))], context: edit("b", "ngày"))
            case 2: try w.editor.retract(aid, context: edit("a", "rút"))
            default: try w.editor.restore(aid, context: edit("c", "khôi phục"))
            }
            shown[try w.store.events.head().position] = try AggregatesReader(w.store).cells()
        }
        let head = try w.store.events.head().position
        #expect(shown.keys.filter { $0 > 0 && $0 < head / 2 }.count >= 3 && shown.keys.contains { $0 >= head / 2 })
        for (position, rows) in shown {
            #expect(try AggregatesReader(w.store).cells(asOf: position) == rows, "as of position \(position)")
        }
    }

    @Test("a correction moves the total by exactly the difference; as of before it, the old figure")
    func correctionAndAsOf() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        let before = w.clock.current
        let positionBefore = try w.store.events.head().position
        w.clock.advance(days: 30)
        try w.editor.correct(RecordID("event/lang-son-2021-ngo-aid"), set: [(FieldPath("quantities[0].value"), .string("1108842.50"))],
                             context: edit("auditor", "Báo cáo cuối năm"))
        #expect(try w.total(.quantity, year: 2021, ["ngo-aid", "USD"])?.sum == (try usd("1108842.50")))
        #expect(try w.total(.quantity, year: 2020, ["ngo-aid", "USD"])?.sum == (try usd("115913")))
        #expect(try AggregatesReader(w.store).cells(asOf: before, year: 2021, family: .quantity).first { $0.key.dimensions == ["ngo-aid", "USD"] }?.value.sum
                == (try usd("1108742")))
        let changes = try AggregatesReader(w.store).changes(from: positionBefore, to: w.store.events.head().position, family: .quantity)
        #expect(changes.count == 1)
        #expect(changes.first.map { $0.after.sum - $0.before.sum } == (try usd("100.50")))
        #expect(try RecordTimeline(w.store).record(RecordID("event/lang-son-2021-ngo-aid"), asOf: before)?.document["quantities"]?.description
                == #"[{"metric":"ngo-aid","unit":"USD","value":"1108742"}]"#)
    }

    @Test("moving the conference's date to 2021 moves its count between years")
    func dateMovesYear() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        try w.editor.correct(RecordID("event/2022-01-21-economic-diplomacy-conference"), set: [(FieldPath("date"), .string("2021-12-21"))],
                             context: edit("editor", "Ngày sai"))
        #expect(try w.total(.events, year: 2022, ["conference", "(none)"]) == nil)
        #expect(try w.total(.events, year: 2021, ["conference", "(none)"])?.count == 1)
        #expect(try w.total(.quantity, year: 2021, ["connection-points", "points"])?.sum == (try usd("94")))
        #expect(try RecordsReader(w.store).list(.diplomacyEvent, filter: RecordFilter(year: 2022)).isEmpty)
        #expect(try RecordsReader(w.store).list(.diplomacyEvent, filter: RecordFilter(year: 2021)).count == 4)
    }

    @Test("retracting an article removes its counts and restoring adds them back")
    func retractRestore() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        let id = try RecordID("article/baolangson.vn/476767")
        try w.editor.retract(id, context: edit("editor", "Bài trùng"))
        #expect(try w.total(.articles, year: 2022, ["baolangson.vn", "kinh-te"]) == nil)
        #expect(try w.total(.views, year: 2022, []) == nil)
        #expect(try RecordsReader(w.store).list(.article).isEmpty)
        #expect(try RecordsReader(w.store).list(.article, filter: RecordFilter(retracted: true)).count == 1)
        #expect(try SearchReader(w.store).find("ngoai giao kinh te").allSatisfy { $0.id != id })
        try w.editor.restore(id, context: edit("editor", "Không trùng"))
        #expect(try w.total(.articles, year: 2022, ["baolangson.vn", "kinh-te"])?.count == 1)
        #expect(try w.total(.views, year: 2022, [])?.sum == (try usd("258")))
        #expect(try SearchReader(w.store).find("ngoai giao kinh te").contains { $0.id == id })
    }

    @Test("blame names the correcting actor for the corrected field only")
    func blame() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts(actor: "importer")
        let id = try RecordID("event/lang-son-2021-ngo-aid")
        try w.editor.correct(id, set: [(FieldPath("quantities[0].value"), .string("1108745"))], context: edit("auditor", "Đối chiếu chứng từ"))
        let lines = Dictionary(uniqueKeysWithValues: try AuditReader(w.store).blame(id).map { ($0.field, $0) })
        #expect(lines["quantities"]?.event.metadata.actor == "auditor")
        #expect(lines["quantities"]?.event.metadata.reason == "Đối chiếu chứng từ")
        #expect(lines["quantities"]?.path == "quantities[0].value")
        for field in ["title", "date", "kind", "place", "counterparts", "description"] {
            #expect(lines[field]?.event.metadata.actor == "importer", "\(field)")
            #expect(lines[field]?.kind == .created, "\(field)")
        }
        #expect(lines["sourceArticles"]?.kind == .linked)
    }
}
