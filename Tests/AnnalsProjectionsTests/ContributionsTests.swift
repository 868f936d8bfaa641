import AnnalsCore
@testable import AnnalsProjections
@testable import AnnalsRecords
import Testing

@Suite("What a record adds to the aggregates")
struct ContributionsTests {
    @Test("a record's cells change with the fields Contributions.fields names, and with no other field its type may hold")
    func fieldsAreComplete() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        var states: [RecordState] = []
        for type in RecordType.allCases { states += try RecordsReader(w.store).list(type) }
        var others = 0, mattered = Set<String>()
        for state in states {
            guard case .object(let members) = state.document else { continue }
            // Every field the record holds, and every field its type may hold but this one does not.
            let schema = state.id.type == .article ? RecordSchema.article : RecordSchema.diplomacyEvent
            for field in Set(members.keys).union(schema.keys) {
                let changed = RecordState(id: state.id, document: .object(members.merging([field: .string("changed")]) { _, new in new }),
                                          version: state.version, retracted: state.retracted, createdAt: state.createdAt, createdBy: state.createdBy,
                                          changedAt: state.changedAt, changedBy: state.changedBy, position: state.position)
                let same = Contributions.of(changed) == Contributions.of(state)
                if Contributions.fields.contains(field) {
                    if !same { mattered.insert(field) }
                } else {
                    #expect(same, "\(field) of \(state.id) moves its cells but is not in Contributions.fields")
                    others += 1
                }
                #expect(Contributions.same(state, changed) == !Contributions.fields.contains(field))
            }
        }
        #expect(others >= 30, "only \(others) other fields were changed")
        #expect(mattered == Set(Contributions.fields), "fields listed that moved no cell: \(Set(Contributions.fields).subtracting(mattered))")
    }

    @Test("a record held as its text adds the same cells as its tree, whatever shape its lists and view count take")
    func textAgreesWithTree() throws {
        let event = #"{"id":"event/x","recordType":"diplomacyEvent","kind":"aid","title":"T","date":"2021-05-04","#
        let article = #"{"id":"article/x.vn/1","recordType":"article","title":"T","publishedAt":"2022-01-21T08:58:32+07:00","source":"x.vn","#
        let documents = [
            event + #""counterparts":[{"name":"Quảng Tây"},{"name":"Quảng Tây"},"loose",{"role":"host"},{"name":"say \"hi\""}],"#
                + #""quantities":[{"metric":"doses","unit":"dose","value":"150000"},{"metric":"aid","unit":"USD","value":"1108742.5"},"#
                + #"{"metric":"beds","unit":"bed","value":"nope"},7,{"metric":"m","unit":"u","value":"1","metric":"m2"}]}"#,
            event + #""counterparts":"not a list","quantities":{"metric":"doses"}}"#,
            event + #""counterparts":[{"\u006eame":"escaped key"}],"quantities":[]}"#,
            article + #""category":"Kinh tế","viewCount":{"count":258}}"#,
            article + #""viewCount":{"count":2.5}}"#,
            article + #""viewCount":{"views":3,"count":12,"count":13}}"#,
            article + #""viewCount":7}"#,
        ]
        var compared = 0
        for document in documents {
            let tree = try JSONValue.parse(Array(document.utf8))
            let id = try RecordID(try #require(tree["id"]?.stringValue))
            let treeState = RecordState(id: id, document: tree, version: 1, retracted: false, createdAt: Timestamp(microsecondsSinceEpoch: 0), createdBy: "a",
                                        changedAt: Timestamp(microsecondsSinceEpoch: 0), changedBy: "a", position: 1)
            let textState = RecordState(id: id, record: try JSONObjectBytes(Array(document.utf8)[...]), version: 1, retracted: false,
                                        createdAt: Timestamp(microsecondsSinceEpoch: 0), createdBy: "a", changedAt: Timestamp(microsecondsSinceEpoch: 0), changedBy: "a", position: 1)
            let cells = Contributions.of(treeState)
            #expect(!cells.isEmpty, "\(document)")
            #expect(Contributions.of(textState) == cells, "\(document)")
            compared += 1
        }
        #expect(compared == documents.count)
    }
}
