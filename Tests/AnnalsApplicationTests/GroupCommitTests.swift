import AnnalsCore
import AnnalsRecords
import AnnalsTesting
import Testing
@testable import AnnalsApplication

/// Edits that share one commit keep what each would do alone.
@Suite("Group commit")
struct GroupCommitTests {
    static let context = EditContext(actor: "biên tập", reason: "đính chính")

    static func event(_ id: String, title: String, aid: String = "1108742") throws -> Record {
        .diplomacyEvent(DiplomacyEvent(id: try RecordID(id), kind: try EventKind("meeting"), title: title, date: try RecordDate("2021"),
                                       quantities: [Quantity(metric: "ngo-aid", value: try ExactDecimal(aid), unit: "USD")]))
    }

    /// The assignment of a new title.
    static func title(_ text: String) throws -> [(FieldPath, JSONValue?)] { [(try FieldPath("title"), .string(text))] }

    @Test("each edit of a group sees those before it and keeps its own version check and its own failure; the failed leave nothing, the store verifies")
    func editsInOneCommit() throws {
        try withNewService { service in
            let ids = try (1...3).map { try RecordID("event/nhom-\($0)") }
            for (n, id) in ids.enumerated() {
                _ = try service.create(try Self.event(id.rawValue, title: "Hội nghị số \(n + 1)"), context: Self.context)
            }
            let before = try service.storedEvents(from: 1, limit: 1_000).count
            let fourth = try RecordID("event/nhom-4")
            let c = Self.context
            let edits: [(AnnalsService) throws -> EditResult] = [
                { try $0.correct(ids[0], values: try Self.title("Hội nghị viện trợ"), expectedVersion: 1, context: c) },
                { try $0.correct(ids[0], values: try Self.title("Hội nghị báo chí"), expectedVersion: 1, context: c) },
                { try $0.correct(ids[0], values: try Self.title("Hội nghị bão lũ"), expectedVersion: 2, context: c) },
                { try $0.correct(ids[1], values: [(try FieldPath("palce"), .string("Hà Nội"))], expectedVersion: 1, context: c) },
                { try $0.create(try Self.event(fourth.rawValue, title: "Tiếp nhận vắc xin", aid: "150000"), context: c) },
                { try $0.retract(ids[2], expectedVersion: 1, context: c) },
                { try $0.correct(fourth, values: try Self.title("Tiếp nhận 150.000 liều vắc xin"), expectedVersion: 1, context: c) },
            ]
            let results = service.commitTogether(edits)
            #expect(results.count == 7)
            let versions = results.map { try? $0.get().version }
            #expect(versions == [2, nil, 3, nil, 1, 2, 2])
            let kinds = results.map { result -> Failure.Kind? in
                guard case .failure(let error) = result else { return nil }
                return Failure(error)?.kind
            }
            #expect(kinds[1] == .conflict && kinds[3] == .invalidField, "\(results)")
            // Five edits landed, in order; the refused two wrote nothing.
            let events = try service.storedEvents(from: 1, limit: 1_000)
            #expect(events.count == before + 5)
            #expect(events.suffix(5).map(\.stream.rawValue) == [ids[0], ids[0], fourth, ids[2], fourth].map(\.rawValue))
            #expect(try service.currentVersion(of: ids[0]) == 3 && service.currentVersion(of: ids[1]) == 1)
            let corrected = try #require(try service.record(ids[0], at: ReadMoment()))
            #expect(String(decoding: corrected.document.canonicalBytes, as: UTF8.self).contains("Hội nghị bão lũ"))
            #expect(try service.find("bao lu").map(\.id) == [ids[0]])
            #expect(try service.find("bao chi").isEmpty)
            #expect(try service.record(ids[2], at: ReadMoment())?.retracted == true)
            #expect(try service.verify(VerifyRequest()).ok)
        }
    }

    @Test("an edit that fails after it appended (its events, states and postings written) leaves none of it; the edits after it do not see it")
    func failureAfterWrites() throws {
        try withNewService { service in
            let id = try RecordID("event/sau-khi-ghi")
            _ = try service.create(try Self.event(id.rawValue, title: "Hội nghị"), context: Self.context)
            struct Refused: Error {}
            let c = Self.context
            let edits: [(AnnalsService) throws -> EditResult] = [
                { service in
                    _ = try service.correct(id, values: try Self.title("Hội nghị bão lũ"), expectedVersion: 1, context: c)
                    _ = try service.create(try Self.event("event/khong-con", title: "Không còn"), context: c)
                    throw Refused()
                },
                { try $0.correct(id, values: try Self.title("Hội nghị vắc xin"), expectedVersion: 1, context: c) },
            ]
            let before = try service.storedEvents(from: 1, limit: 1_000).count
            let results = service.commitTogether(edits)
            #expect(throws: Refused.self) { try results[0].get() }
            #expect(try results[1].get().version == 2)
            #expect(try service.storedEvents(from: 1, limit: 1_000).count == before + 1)
            #expect(try service.currentVersion(of: RecordID("event/khong-con")) == nil)
            #expect(try service.find("bao lu").isEmpty && service.find("vac xin").map(\.id) == [id])
            #expect(try service.verify(VerifyRequest()).ok)
        }
    }

    @Test("a group on a store that holds its edits: one edit alone, and an empty group, answer as without grouping")
    func smallGroups() throws {
        try withNewService { service throws in
            #expect(service.commitTogether([(AnnalsService) throws -> EditResult]()).isEmpty)
            let one = service.commitTogether([{ try $0.create(try Self.event("event/mot", title: "Một"), context: Self.context) }])
            #expect(try one.first?.get().version == 1)
            let again = service.commitTogether([{ try $0.create(try Self.event("event/mot", title: "Một"), context: Self.context) }])
            #expect(Failure(again.first.flatMap { if case .failure(let e) = $0 { e } else { nil } } ?? ApplicationError("none"))?.kind == .invalidState)
        }
    }
}
