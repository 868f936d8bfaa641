import AnnalsCore
import AnnalsRecords
import AnnalsTesting
import Foundation
import Testing

@Suite("Edits as events")
struct EditTests {
    /// A workspace holding the demo article and the seed facts, linked.
    func seeded() throws -> Workspace {
        let w = try Workspace()
        #expect(try w.importText(demoArticlePath).created == 1)
        let facts = try w.importJSONL(factsPath)
        #expect(facts.created == 5 && facts.linked == 5 && facts.rejected.isEmpty, "\(facts)")
        return w
    }

    @Test("the seed facts import with exact quantities and links on both sides")
    func seedFacts() throws {
        let w = try seeded()
        let aid = try diplomacyEvent("event/lang-son-2021-ngo-aid", in: w)
        #expect(aid.quantities == [Quantity(metric: "ngo-aid", value: try ExactDecimal("1108742"), unit: "USD")])
        #expect(aid.date.precision == .year)
        #expect(aid.sourceArticles.map(\.rawValue) == [seedArticleID])
        let earlier = try diplomacyEvent("event/lang-son-2020-ngo-aid", in: w)
        #expect(earlier.quantities.first?.value.description == "115913")
        let vaccine = try diplomacyEvent("event/lang-son-2021-vaccine-aid-guangxi", in: w)
        #expect(vaccine.counterparts == [Counterpart(name: "Quảng Tây (Trung Quốc)", countryCode: "CN")])
        #expect(vaccine.quantities.first?.value.description == "150000")
        #expect(try article(in: w).linkedEvents.count == 5)
    }

    @Test("a correction stores each field's old and new value and its reason")
    func correction() throws {
        let w = try seeded()
        let id = try RecordID("event/lang-son-2021-ngo-aid")
        let outcome = try w.editor.correct(id, set: [(FieldPath("quantities[0].value"), .string("1108745")), (FieldPath("place"), .string("Tỉnh Lạng Sơn"))],
                                           context: context("auditor", "Số liệu theo báo cáo chính thức"))
        #expect(outcome.changes == [FieldChange(field: try FieldPath("quantities[0].value"), old: .string("1108742"), new: .string("1108745")),
                                    FieldChange(field: try FieldPath("place"), old: .string("Lạng Sơn"), new: .string("Tỉnh Lạng Sơn"))])
        let event = try #require(outcome.events.first)
        #expect(event.type == "DiplomacyEventCorrected")
        #expect(event.metadata.actor == "auditor" && event.metadata.reason == "Số liệu theo báo cáo chính thức")
        #expect(try diplomacyEvent(id.rawValue, in: w).quantities.first?.value.description == "1108745")
        #expect(outcome.version == 3)  // created, linked, corrected
    }

    @Test("every edit is checked against the record's state, and a refused edit writes nothing")
    func stateChecks() throws {
        let w = try seeded()
        let id = try RecordID("event/lang-son-2021-ngo-aid")
        let head = try w.log.head()
        func refused(_ what: String, _ body: () throws -> Void) {
            #expect(throws: RecordError.self, "\(what)") { try body() }
            #expect((try? w.log.head()) == head, "\(what) moved the head")
        }
        refused("a second create") { try w.editor.create(.diplomacyEvent(try diplomacyEvent(id.rawValue, in: w)), context: context()) }
        refused("a correction without a reason") { try w.editor.correct(id, set: [(FieldPath("place"), .string("X"))], context: context("e", nil)) }
        refused("a correction that changes nothing") { try w.editor.correct(id, set: [(FieldPath("place"), .string("Lạng Sơn"))], context: context()) }
        refused("a correction of the id") { try w.editor.correct(id, set: [(FieldPath("id"), .string("event/x"))], context: context()) }
        refused("a correction of links") { try w.editor.correct(id, set: [(FieldPath("sourceArticles"), .array([]))], context: context()) }
        refused("a restore of a live record") { try w.editor.restore(id, context: context()) }
        refused("an unknown record") { try w.editor.retract(RecordID("event/none"), context: context()) }
        refused("a link of two events") { try w.editor.link(article: id, event: id, context: context()) }
        refused("a second link") { try w.editor.link(article: RecordID(seedArticleID), event: id, context: context()) }

        try w.editor.retract(id, context: context("editor", "Trùng lặp"))
        let retracted = try w.log.head()
        #expect(throws: RecordError.self) { try w.editor.correct(id, set: [(FieldPath("place"), .string("X"))], context: context()) }
        #expect(throws: RecordError.self) { try w.editor.retract(id, context: context()) }
        #expect(try w.log.head() == retracted)
        try w.editor.restore(id, context: context("editor", "Không trùng"))
        #expect(try w.editor.existing(id).retracted == false)
    }

    @Test("each invalid field gives its own error naming it, and the log head does not move")
    func invalidFields() throws {
        let w = try seeded()
        let head = try w.log.head()
        let good = #"{"recordType":"diplomacyEvent","id":"event/test","kind":"meeting","title":"Gặp gỡ","date":"2022-01-21","quantities":[{"metric":"ngo-aid","value":"5","unit":"USD"}],"counterparts":[{"name":"Lào","countryCode":"LA"}]}"#
        let article = #"{"recordType":"article","url":"https://example.vn/the-gioi/1234-tin.html","title":"Tin","publishedAt":"2022-01-22T08:58:32+07:00","viewCount":{"count":5}}"#
        let cases: [(String, String, String)] = [
            (good, "\"title\":\"Gặp gỡ\"", "\"title\":\"  \""),
            (good, "\"date\":\"2022-01-21\"", "\"date\":\"2022-02-30\""),
            (good, "\"kind\":\"meeting\"", "\"kind\":\"party\""),
            (good, "\"value\":\"5\"", "\"value\":\"-5\""),
            (good, "\"value\":\"5\"", "\"value\":5"),
            (good, "\"countryCode\":\"LA\"", "\"countryCode\":\"laos\""),
            (good, "\"id\":\"event/test\"", "\"id\":\"event/Bad Id\""),
            (good, "\"recordType\":\"diplomacyEvent\"", "\"recordType\":\"memo\""),
            (good, "\"metric\":\"ngo-aid\"", "\"metric\":\"NGO aid\""),
            (article, "\"url\":\"https://example.vn/the-gioi/1234-tin.html\"", "\"url\":\"ftp://example.vn/1234\""),
            (article, "\"count\":5", "\"count\":-5"),
            (article, "\"publishedAt\":\"2022-01-22T08:58:32+07:00\"", "\"publishedAt\":\"2022\""),
            (article, "\"title\":\"Tin\"", "\"title\":42"),
            (article, "\"publishedAt\":\"2022-01-22T08:58:32+07:00\"", "\"publishedAt\":\"2022-01-22T25:00:00+07:00\""),
            (good, "\"title\":\"Gặp gỡ\"", "\"title\":\"Gặp\\bgỡ\""),
        ]
        let expectedFields = ["title", "date", "kind", "quantities[0].value", "quantities[0].value", "counterparts[0].countryCode",
                              "id", "recordType", "quantities[0].metric", "url", "viewCount.count", "publishedAt", "title", "publishedAt", "title"]
        var seen: Set<String> = []
        for ((template, from, to), field) in zip(cases, expectedFields) {
            let line = template.replacingOccurrences(of: from, with: to)
            #expect(line != template)
            var items: [ImportItem] = []
            RecordInput.readJSONL(lines: [line], file: "bad.jsonl") { items.append($0) }
            let summary = try w.importItems(items)
            let message = summary.rejected.first?.message ?? "(accepted)"
            #expect(summary.rejected.count == 1 && message.contains("invalid \(field) "), "\(to) should name \(field): \(message)")
            #expect(message.contains(": "), "no fix in \(message)")
            seen.insert(message)
        }
        #expect(seen.count == cases.count, "two different mistakes gave the same message")
        #expect(seen.contains { $0.hasSuffix("remove the control character U+0008") })
        #expect(try w.log.head() == head)
    }

    @Test("an NFD title is stored in NFC and equals its NFC twin")
    func nfc() throws {
        let w = try Workspace()
        let nfd = "Hội nghị ngoại giao".decomposedStringWithCanonicalMapping
        let nfcTitle = "Hội nghị ngoại giao".precomposedStringWithCanonicalMapping
        #expect(Array(nfd.unicodeScalars) != Array(nfcTitle.unicodeScalars))
        let json = { (title: String) in #"{"recordType":"article","url":"https://example.vn/the-gioi/1077-a.html","title":"\#(title)","publishedAt":"2022-01-21"}"# }
        var items: [ImportItem] = []
        RecordInput.readJSONL(lines: [json(nfd)], file: "nfd.jsonl") { items.append($0) }
        #expect(try w.importItems(items).created == 1)
        let stored = try article("article/example.vn/1077", in: w).title
        #expect(Array(stored.unicodeScalars) == Array(nfcTitle.unicodeScalars))
        let payload = try #require(try w.log.event(at: 1)).payloadText
        #expect(payload.unicodeScalars.elementsEqual(payload.precomposedStringWithCanonicalMapping.unicodeScalars))
        items = []
        RecordInput.readJSONL(lines: [json(nfcTitle)], file: "nfc.jsonl") { items.append($0) }
        #expect(try w.importItems(items).unchanged == 1)
        #expect(try w.log.head().position == 1)
    }

    @Test("two concurrent corrections of one record: one wins, the other conflicts")
    func concurrentCorrections() throws {
        let w = try seeded()
        let id = try RecordID("event/lang-son-2021-hospital-beds-dong-a")
        let seenByBoth = try w.editor.existing(id)
        let (first, _) = try RecordEditor.planCorrection(seenByBoth, set: [(FieldPath("quantities[0].value"), .string("201"))], context: context("a", "recount"))
        let (second, _) = try RecordEditor.planCorrection(seenByBoth, set: [(FieldPath("quantities[0].value"), .string("199"))], context: context("b", "recount"))
        try w.log.append([first])
        let head = try w.log.head()
        let error = #expect(throws: EventLogError.self) { try w.log.append([second]) }
        #expect(error == .wrongExpectedVersion(stream: id.rawValue, expected: .exactly(seenByBoth.version), actual: seenByBoth.version + 1))
        #expect(try w.log.head() == head)
        #expect(try diplomacyEvent(id.rawValue, in: w).quantities.first?.value.description == "201")
    }

    @Test("links show on both sides and unlink removes them from both")
    func links() throws {
        let w = try seeded()
        let article = try RecordID(seedArticleID), event = try RecordID("event/lang-son-2020-ngo-aid")
        try w.editor.link(article: article, event: event, unlink: true, context: context("e", "wrong source"))
        #expect(try w.editor.existing(article).links.contains(event) == false)
        #expect(try w.editor.existing(event).links.isEmpty)
        try w.editor.link(article: article, event: event, context: context())
        #expect(try w.editor.existing(event).links == [article])
        #expect(try w.editor.existing(article).links.last == event)
    }
}
