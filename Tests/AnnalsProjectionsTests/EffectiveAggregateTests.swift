import AnnalsCore
import AnnalsProjections
import AnnalsRecords
import AnnalsTesting
import Testing

/// Aggregates on the effective axis: the records as they stood at a time in their own timelines,
/// as the store knew them at a log position.
@Suite("Aggregates on the effective axis")
struct EffectiveAggregateTests {
    let aid = "event/lang-son-2021-ngo-aid"

    func at(_ text: String) throws -> Timestamp { Timestamp(microsecondsSinceEpoch: try RecordDate(text).epochSeconds * 1_000_000) }

    func ngoAid(_ w: ProjectedWorkspace, effective: String, asOf position: UInt64 = .max) throws -> String? {
        try AggregatesReader(w.store).cells(effective: at(effective), asOf: position, year: 2021, family: .quantity)
            .first { $0.key.dimensions == ["ngo-aid", "USD"] }?.value.sum.description
    }

    @Test("two back-dated corrections recorded in the opposite order of their effective times move the sums from their effective times only")
    func backDated() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        w.clock.advance(days: 1)
        // A report of 2022-03-15 is entered first; one of 2022-01-10 is entered after it.
        try w.editor.correct(RecordID(aid), set: [(FieldPath("quantities[0].value"), .string("1108750"))],
                             context: EditContext(actor: "a", reason: "báo cáo 15/3", effectiveAt: at("2022-03-15")))
        let afterFirst = try w.store.events.head().position
        w.clock.advance(days: 1)
        try w.editor.correct(RecordID(aid), set: [(FieldPath("quantities[0].value"), .string("1108700"))],
                             context: EditContext(actor: "b", reason: "báo cáo 10/1", effectiveAt: at("2022-01-10")))

        // The world's timeline, as known now.
        #expect(try ngoAid(w, effective: "2021-12-31T23:59:59Z") == "1108742")
        #expect(try ngoAid(w, effective: "2022-02-01") == "1108700")
        #expect(try ngoAid(w, effective: "2022-04-01") == "1108750")
        // Before the event's year began, it did not exist.
        #expect(try ngoAid(w, effective: "2020-12-31T00:00:00Z") == nil)
        // What the store believed before the second report was entered is unchanged by it.
        #expect(try ngoAid(w, effective: "2022-02-01", asOf: afterFirst) == "1108742")
        #expect(try ngoAid(w, effective: "2022-04-01", asOf: afterFirst) == "1108750")
        // The recorded axis: the last correction recorded is the figure now.
        #expect(try w.total(.quantity, year: 2021, ["ngo-aid", "USD"])?.sum.description == "1108700")

        // Both axes agree wherever no edit was back-dated: every family but edits, as of the import.
        let imported = afterFirst - 1
        let recorded = try AggregatesReader(w.store).cells(asOf: imported).filter { $0.key.family != "edits" }
        #expect(recorded.count >= 8)
        #expect(try AggregatesReader(w.store).cells(effective: at("2030-01-01"), asOf: imported) == recorded)

        // The change between two effective times is the back-dated correction's, and only it.
        let changes = try AggregatesReader(w.store).changes(effectiveFrom: at("2022-02-01"), to: at("2022-04-01"))
        #expect(changes.map(\.key.dimensions) == [["ngo-aid", "USD"]] && changes.first?.after.sum.description == "1108750")
    }

    @Test("a retraction that took effect earlier removes the record from the effective sums from then")
    func backDatedRetraction() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        w.clock.advance(days: 1)
        try w.editor.retract(RecordID("event/lang-son-2020-ngo-aid"), context: EditContext(actor: "a", reason: "suy ra", effectiveAt: at("2023-01-01")))
        let year2020 = { (time: String) in
            try AggregatesReader(w.store).cells(effective: self.at(time), year: 2020, family: .quantity).first?.value.count
        }
        #expect(try year2020("2022-12-31") == 1)
        #expect(try year2020("2023-06-01") == nil)
    }

    @Test("views count only the articles that carry a view count")
    func viewsBehindTheSum() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        #expect(try w.total(.views, year: 2022, []) == AggregateValue(count: 1, sum: try usd("258")))
        _ = try w.editor.create(.article(Article(id: RecordID("article/example.vn/123456"), source: "example.vn", url: "https://example.vn/123456-bai.htm",
                                                 category: nil, title: "Không có lượt xem", publishedAt: RecordDate("2022-05-01"))), context: edit("e", "mới"))
        #expect(try w.total(.articles, year: 2022, ["example.vn", "(none)"])?.count == 1)
        #expect(try w.total(.views, year: 2022, []) == AggregateValue(count: 1, sum: try usd("258")))
    }
}
