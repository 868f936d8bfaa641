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
}
