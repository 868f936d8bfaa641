import AnnalsCore
import AnnalsLMDB
import AnnalsProjections
import AnnalsRecords
import AnnalsTesting
import Testing

@Suite("Record states beside their events")
struct StoredStateTests {
    /// Two articles nothing changes after their create, and one that is corrected.
    private func articles(_ w: ProjectedWorkspace) throws -> [RecordID] {
        var ids: [RecordID] = []
        for (i, title) in ["Hội nghị hợp tác biên giới", "Tiếp nhận vắc xin", "Đoàn đại biểu thăm Nam Ninh"].enumerated() {
            let id = try RecordID("article/example.vn/\(7000 + i)")
            _ = try w.editor.create(.article(Article(id: id, source: "example.vn", url: "https://example.vn/tin/\(7000 + i)-a.html", category: "tin",
                                                     title: title, publishedAt: try RecordDate("2021-03-0\(i + 1)"), viewCount: ViewCount(count: 10),
                                                     paragraphs: ["Đoạn văn của bài \(i)."])), context: edit("importer", "seed \(i)"))
            ids.append(id)
        }
        _ = try w.editor.correct(ids[2], set: [(try FieldPath("title"), .string("Đoàn đại biểu tỉnh thăm Nam Ninh"))], context: edit("editor", "tên đoàn"))
        return ids
    }

    private func stateTable(_ w: ProjectedWorkspace) throws -> Database {
        let generation = try #require(try w.store.projections.status().first { $0.projection == .records }?.generation)
        return try w.store.environment.database("proj/records/state#\(generation)", create: false)
    }

    @Test("a state holds only the fields changed since the create, the rest is read back from the create event, and every state reads as its stream folds")
    func documentsLeftInTheCreate() throws {
        let w = try ProjectedWorkspace()
        let ids = try articles(w)
        for round in ["maintained", "rebuilt"] {
            let table = try stateTable(w)
            var read = 0
            for id in ids {
                let folded = try #require(try RecordState.fold(w.store.events.readStream(id.streamID)))
                let stored = try #require(try w.store.environment.read { try $0.get(table, Array(id.rawValue.utf8)) })
                let documentSize = folded.document.canonicalBytes.count
                #expect(stored.count < documentSize / 2, "\(round) \(id): \(stored.count) bytes stored for a \(documentSize)-byte document")
                // The corrected title is what the state holds; the rest is the create's.
                let title = try #require(folded.document["title"]?.stringValue)
                #expect(String(decoding: stored, as: UTF8.self).contains(title) == (folded.version > 1),
                        "\(round) \(id)")
                #expect(folded.changedFields == (folded.version > 1 ? ["title"] : []), "\(round) \(id)")
                #expect(try RecordsReader(w.store).record(id) == folded, "\(round) \(id)")
                read += 1
            }
            #expect(read == 3)
            #expect(try SearchReader(w.store).find("nam ninh").map(\.id) == [ids[2]], "\(round)")
            try w.store.maintenance.rebuild()
        }
        #expect(try w.store.maintenance.verifyProjections() == [])
    }

    @Test("a state that points at another record's create is an error naming the fix, not a crash")
    func misplacedState() throws {
        let w = try ProjectedWorkspace()
        let ids = try articles(w)
        let table = try stateTable(w)
        try w.store.environment.write { txn in
            let first = try #require(try txn.get(table, Array(ids[0].rawValue.utf8)))
            try txn.put(table, Array(ids[1].rawValue.utf8), first)
        }
        #expect {
            _ = try RecordsReader(w.store).record(ids[1])
        } throws: { error in
            guard let error = error as? ProjectionError else { return false }
            return error.problem.contains("records projection's state of \(ids[1])") && error.remedy == .verifyThenRebuild(projection: "records")
        }
        #expect(try w.store.maintenance.verifyProjections() == [.records])
    }
}
