import AnnalsCore
import AnnalsLMDB
import AnnalsProjections
import AnnalsRecords
import AnnalsTestThreads
import AnnalsTesting
import Foundation
import PropertyBased
import Synchronization
import Testing

@Suite("Rebuild, versions and crash safety", .onOwnThreads, .serialized)
struct RebuildTests {
    /// Applies one random edit, chosen by `code`, to a small world of two articles and two events,
    /// and two events written in schema version 2 that every read upcasts (units spelled out).
    /// Edits the current state refuses (a second create, restoring a live record, …) are refused
    /// here too; that is part of what is random. Returns whether the edit landed; any error but a
    /// record's refusal fails the test.
    static func randomEdit(_ code: Int, _ w: ProjectedWorkspace) throws -> Bool {
        if code % 20 >= 16 { return try legacyEdit(code, w) }
        let target = (code / 16) % 2
        let article = "article/example.vn/\(1000 + target)", event = "event/random-\(target)"
        let editor = w.editor
        let context = edit("actor-\(code % 3)", "random edit \(code)")
        w.clock.advance(days: code % 5)
        do {
            switch code % 16 {
            case 0, 1:
                try editor.create(.article(Article(id: RecordID(article), source: "example.vn", url: "https://example.vn/tin/\(1000 + target)-a.html",
                                                   category: "tin", title: "Hội nghị số \(code)", publishedAt: RecordDate("202\(code % 4)-05-0\(1 + code % 9)"),
                                                   viewCount: ViewCount(count: Int64(code)), paragraphs: ["Đoạn \(code)"])), context: context)
            case 2, 3:
                try editor.create(.diplomacyEvent(DiplomacyEvent(id: RecordID(event), kind: EventKind(["visit", "aid-received"][code % 2]),
                                                                 title: "Viện trợ \(code)", date: RecordDate("202\(code % 3)"),
                                                                 counterparts: [Counterpart(name: ["Lào", "Quảng Tây"][code % 2])],
                                                                 quantities: [Quantity(metric: "ngo-aid", value: ExactDecimal("\(code).5"), unit: "USD")])), context: context)
            case 4: try editor.correct(RecordID(article), set: [(FieldPath("title"), .string("Đổi tên \(code)"))], context: context)
            case 5: try editor.correct(RecordID(article), set: [(FieldPath("viewCount.count"), .integer(Int64(code * 7)))], context: context)
            case 6: try editor.correct(RecordID(article), set: [(FieldPath("publishedAt"), .string("20\(10 + code % 15)-01-02"))], context: context)
            case 7: try editor.correct(RecordID(event), set: [(FieldPath("quantities[0].value"), .string("\(code * 3)"))], context: context)
            case 8: try editor.correct(RecordID(event), set: [(FieldPath("date"), .string("20\(10 + code % 15)"))], context: context)
            case 9: try editor.correct(RecordID(event), set: [(FieldPath("counterparts"), .array([.object(["name": .string("Campuchia \(code % 2)")])]))], context: context)
            case 10, 11: try editor.retract(RecordID(code % 2 == 0 ? article : event), context: context)
            case 12, 13: try editor.restore(RecordID(code % 2 == 0 ? article : event), context: context)
            case 14: try editor.link(article: RecordID(article), event: RecordID(event), context: context)
            default: try editor.link(article: RecordID(article), event: RecordID(event), unlink: true, context: context)
            }
            return true
        } catch is RecordError {
            return false
        }
    }

    /// Writes, as a tool of schema version 2 would have, the create of a diplomacy event with a
    /// unit spelled out and a decimal figure, or a correction of its figures; reads upcast both.
    static func legacyEdit(_ code: Int, _ w: ProjectedWorkspace) throws -> Bool {
        let id = "event/legacy-\(code % 2)", unit = ["đô la Mỹ", "liều", "giường bệnh"][code % 3]
        let figure = #"{"metric":"ngo-aid","unit":"\#(unit)","value":"\#(code).25"}"#
        let type: String, payload: String, expected: ExpectedVersion
        if code % 20 == 16 {
            type = "DiplomacyEventCreated"
            expected = .noStream
            payload = #"{"record":{"counterparts":[{"name":"Lào"}],"date":"202\#(code % 3)","id":"\#(id)","kind":"aid-received","participants":[],"quantities":[\#(figure)],"sourceArticles":[],"title":"Viện trợ cũ \#(code)"}}"#
        } else {
            guard let state = try RecordsReader(w.store).record(RecordID(id)), !state.retracted else { return false }
            type = "DiplomacyEventCorrected"
            expected = .exactly(state.version)
            payload = #"{"changes":[{"field":"quantities","new":[\#(figure)],"old":[]}]}"#
        }
        w.clock.advance(days: code % 3)
        let event = ProposedEvent(type: type, schemaVersion: 2, payload: Array(payload.utf8), metadata: EventMetadata(actor: "legacy tool", reason: "old data"))
        do {
            try w.store.events.append([StreamAppend(stream: StreamID(id), expected: expected, events: [event])])
            return true
        } catch is EventLogError {
            return false
        }
    }

    @Test("a bulk rebuild is byte-for-byte the incrementally maintained store, over random edit sequences, batchings and flush points")
    func rebuildEqualsIncremental() async {
        let landed = Mutex(0), legacy = Mutex(0)
        await propertyCheck(count: 200, input: Gen.int(in: 0...10_000).array(of: 1...40), Gen.int(in: 1...9), Gen.int(in: 0...4_000)) { codes, chunkSize, collectedBytes in
            let w = try ProjectedWorkspace()
            let edits = try codes.filter { try Self.randomEdit($0, w) }
            landed.withLock { $0 += edits.count }
            legacy.withLock { $0 += edits.filter { $0 % 20 >= 16 }.count }
            let entries = try w.store.events.head().position
            #expect((entries > 0) == (!edits.isEmpty) && entries >= UInt64(edits.count), "\(edits.count) edits landed but the log holds \(entries) entries")
            // One edit per batch (the append path) against `chunkSize` per batch (a follower).
            #expect(try w.store.maintenance.verifyProjections(chunkSize: chunkSize) == [], "edits \(codes)")
            let aggregates = try AggregatesReader(w.store).cells()
            let articles = try RecordsReader(w.store).list(.article, filter: RecordFilter(retracted: nil))
            let found = try SearchReader(w.store).find("vien tro")
            // The bulk build, flushing whenever it holds more than a few hundred bytes, in commits of a
            // few hundred bytes, against the incremental build verify makes.
            try w.store.maintenance.rebuild(chunkSize: chunkSize, commitBytes: collectedBytes / 4, collectedBytes: collectedBytes)
            #expect(try AggregatesReader(w.store).cells() == aggregates)
            #expect(try RecordsReader(w.store).list(.article, filter: RecordFilter(retracted: nil)) == articles)
            #expect(try SearchReader(w.store).find("vien tro") == found)
            #expect(try w.store.maintenance.verifyProjections(chunkSize: 10 - chunkSize) == [], "edits \(codes), chunks of \(chunkSize), flushed past \(collectedBytes) bytes")
        }
        // Random edits are often refused (a correction before the create, …): the comparisons above
        // mean something only if many landed, old-schema ones among them.
        #expect(landed.withLock { $0 } >= 1_000, "only \(landed.withLock { $0 }) random edits landed over 200 sequences")
        #expect(legacy.withLock { $0 } >= 100, "only \(legacy.withLock { $0 }) old-schema events landed over 200 sequences")
    }

    @Test("a projection built by another version is stale: reads and writes name the rebuild as the remedy")
    func staleProjection() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        let meta = try w.store.environment.database("proj/meta")
        try w.store.environment.write { txn in try txn.put(meta, Array("aggregates/version".utf8), [0, 0, 0, 0x63]) }
        try w.reopen()
        #expect(try w.store.projections.stale() == [.stale(projection: "aggregates", builtBy: 99, needed: ProjectionRegistry.standard.version(of: .aggregates))])
        let read = #expect(throws: ProjectionError.self) { _ = try AggregatesReader(w.store).cells() }
        #expect(read?.remedy == .rebuild(projection: "aggregates"))
        #expect(read?.description.hasSuffix("; rebuild the aggregates projection") == true)
        let head = try w.store.events.head()
        #expect(throws: ProjectionError.self) {
            try w.editor.retract(RecordID("event/lang-son-2020-ngo-aid"), context: edit("e", "x"))
        }
        #expect(try w.store.events.head() == head)
        #expect(try RecordsReader(w.store).list(.diplomacyEvent).count == 5)  // the records projection is fine
        try w.store.environment.write { txn in try txn.put(meta, Array("search/version".utf8), [0, 0, 0, 0x63]) }
        let both = #expect(throws: ProjectionError.self) { _ = try SearchReader(w.store).find("hoi nghi") }
        #expect(both?.problem.hasSuffix("the search and aggregates projections were built by another version of annals") == true)
        #expect(both?.remedy == .rebuild(projection: nil))
        try w.store.maintenance.rebuild()
        #expect(try w.store.projections.stale().isEmpty)
        #expect(try w.total(.quantity, year: 2021, ["ngo-aid", "USD"])?.sum == (try ExactDecimal("1108742")))
        #expect(try w.store.maintenance.verifyProjections() == [])
    }

    @Test("a rebuild killed mid-way leaves the old projections serving; the next rebuild completes")
    func killedRebuild() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        for i in 0..<40 {
            try w.editor.correct(RecordID("event/lang-son-2021-hospital-beds-dong-a"), set: [(FieldPath("quantities[0].value"), .string("\(201 + i)"))],
                                 context: edit("e", "count \(i)"))
        }
        let aggregates = try AggregatesReader(w.store).cells()
        let status = try w.store.projections.status()
        w.close()
        let run = try Helper.run(["rebuild-and-die", w.path, "5"])
        #expect(run.lines.first == "rebuilt 5")
        #expect(run.status != 0)
        try w.reopen()
        #expect(try w.store.projections.status() == status)
        #expect(try AggregatesReader(w.store).cells() == aggregates)
        try w.store.maintenance.rebuild(chunkSize: 5)
        #expect(try AggregatesReader(w.store).cells() == aggregates)
        #expect(try w.store.maintenance.verifyProjections() == [])
        let rebuilt = try w.store.projections.status()
        for (old, new) in zip(status, rebuilt) { #expect(old.generation != new.generation, "\(old.projection) did not switch") }
    }

    @Test("events appended by a log-only writer are caught up on the next open")
    func catchUp() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        let state = try #require(try RecordsReader(w.store).record(RecordID("event/lang-son-2020-ngo-aid")))
        let append = try RecordEditor.planRetract(state, context: edit("log-only tool", "test"))
        try w.appendLogOnly([append])
        #expect(try RecordsReader(w.store).record(RecordID("event/lang-son-2020-ngo-aid"))?.retracted == false)
        try w.reopen()
        #expect(try RecordsReader(w.store).record(RecordID("event/lang-son-2020-ngo-aid"))?.retracted == true)
        #expect(try w.total(.quantity, year: 2020, ["ngo-aid", "USD"]) == nil)
        #expect(try w.store.maintenance.verifyProjections() == [])
    }

    @Test("events a log-only writer appended while the store was open are applied with the next edit, none skipped")
    func catchUpOnAppend() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        let state = try #require(try RecordsReader(w.store).record(RecordID("event/lang-son-2020-ngo-aid")))
        try w.appendLogOnly([try RecordEditor.planRetract(state, context: edit("log-only tool", "test"))])
        #expect(try w.store.projections.lag() == 1)
        try w.editor.correct(RecordID("event/lang-son-2021-ngo-aid"), set: [(FieldPath("place"), .string("Tỉnh Lạng Sơn"))], context: edit("e", "x"))
        #expect(try w.store.projections.lag() == 0)
        #expect(try RecordsReader(w.store).record(RecordID("event/lang-son-2020-ngo-aid"))?.retracted == true)
        #expect(try w.total(.quantity, year: 2020, ["ngo-aid", "USD"]) == nil)
        #expect(try w.store.maintenance.verifyProjections() == [])
    }

    @Test("verifying projections finds one changed behind the store's back")
    func verifyFindsDrift() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        #expect(try w.store.maintenance.verifyProjections() == [])
        let generation = try #require(try w.store.projections.status().first { $0.projection == .search }?.generation)
        let blocks = try w.store.environment.database("proj/search/blocks#\(generation)", create: false)
        try w.store.environment.write { txn in try txn.put(blocks, Array("bogus".utf8) + [0, 0, 0, 0, 0], [1, 1]) }
        #expect(try w.store.maintenance.verifyProjections() == [.search])
        try w.store.maintenance.rebuild([.search])
        #expect(try w.store.maintenance.verifyProjections() == [])
    }

    @Test("checkpoints moved apart behind the store's back are refused, naming each projection's position; a rebuild mends them")
    func divergedCheckpoints() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        let head = try w.store.events.head().position
        #expect(try head > 2 && w.store.projections.lag() == 0)
        let meta = try w.store.environment.database("proj/meta", create: false)
        try w.store.environment.write { txn in try txn.put(meta, Array("search/position".utf8), bigEndian(UInt64(2))) }
        let lagError = #expect(throws: ProjectionError.self) { try w.store.projections.lag() }
        #expect(lagError == .checkpointsDiverge(positions: ["records": head, "search": 2, "aggregates": head, "audit": head]))
        // An edit is refused before its runner compares checkpoints: the append's freshness check
        // names the projection behind the others.
        let editError = #expect(throws: ProjectionError.self) {
            try w.editor.correct(RecordID("event/lang-son-2021-ngo-aid"), set: [(FieldPath("place"), .string("Tỉnh Lạng Sơn"))], context: edit("e", "x"))
        }
        #expect(editError == .behind(projection: "search", position: 2, others: head))
        #expect(try w.store.events.head().position == head, "a refused edit writes nothing")
        try w.store.maintenance.rebuild()
        #expect(try w.store.projections.lag() == 0 && w.store.maintenance.verifyProjections() == [])
    }

    @Test("a rebuild of one projection leaves the others' data in place")
    func rebuildOne() throws {
        let w = try ProjectedWorkspace()
        try w.importSeedFacts()
        let before = try w.store.projections.status()
        let report = try w.store.maintenance.rebuild([.search])
        let head = try w.store.events.head().position
        #expect(report.projections == [.search] && report.events == head)
        let after = try w.store.projections.status()
        for (old, new) in zip(before, after) {
            #expect((old.generation != new.generation) == (old.projection == .search), "\(old.projection)")
        }
        #expect(try SearchReader(w.store).find("hoi nghi").count == 2)
        #expect(try w.store.maintenance.verifyProjections() == [])
    }
}

@Suite("Rebuild with the log read ahead", .onOwnThreads)
struct ReadAheadTests {
    @Test("batches of hundreds of edits, appended and rebuilt, give the bytes of applying the edits one at a time")
    func largeBatchesMatchOneByOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try ProjectedStore(path: directory.appending("store"), create: true)
        defer { store.close() }
        let titles = ["Hội nghị hợp tác", "Viện trợ vắc xin", "Bão lũ miền Trung", "Lạng Sơn mở cửa khẩu"]
        var generator = SeededGenerator(state: 0x5EED)
        func next(_ bound: Int) -> Int { Int.random(in: 0..<bound, using: &generator) }
        var states: [RecordID: RecordState] = [:], ids: [RecordID] = []
        var kinds: [String: Int] = [:]
        for batch in 0..<5 {
            var appends: [StreamAppend] = [], slots: [StreamID: Int] = [:], touched: Set<RecordID> = []
            for step in 0..<400 {
                let context = edit("editor-\(step % 3)", "batch \(batch) step \(step)")
                let roll = next(100)
                let planned: StreamAppend, kind: String
                if roll < 70 || ids.isEmpty {
                    let id = try RecordID("article/example.vn/\(10_000 + ids.count)")
                    let article = Article(id: id, source: "example.vn", url: "https://example.vn/tin/\(10_000 + ids.count)-a.html", category: "tin",
                                          title: "\(titles[next(titles.count)]) số \(ids.count)", publishedAt: try RecordDate("20\(10 + next(12))-05-01"),
                                          viewCount: ViewCount(count: Int64(step)), paragraphs: ["\(titles[next(titles.count)]) và \(titles[next(titles.count)])."])
                    planned = try RecordEditor.planCreate(.article(article), current: nil, context: context)
                    ids.append(id)
                    kind = "create"
                } else {
                    let id = ids[next(ids.count)]
                    guard let state = states[id] else { continue }
                    if state.retracted {
                        planned = try RecordEditor.planRestore(state, context: context)
                        kind = "restore"
                    } else if roll < 75 {
                        planned = try RecordEditor.planRetract(state, context: context)
                        kind = "retract"
                    } else {
                        let field = roll < 90 ? "title" : "paragraphs"
                        let text = "\(titles[next(titles.count)]), sửa \(batch).\(step)"
                        guard let correction = try? RecordEditor.planCorrection(state, set: [(try FieldPath(field), field == "title" ? .string(text) : .array([.string(text)]))],
                                                                                context: context) else { continue }
                        planned = correction.0
                        kind = touched.contains(id) && states[id]?.version == 1 ? "correct a record created in the same batch" : "correct"
                    }
                }
                let id = try RecordID(planned.stream.rawValue)
                for event in planned.events {
                    let version = (states[id]?.version ?? 0) + 1
                    states[id] = try RecordState.apply(RecordedEvent(position: 0, id: event.id, stream: planned.stream, streamVersion: version, type: event.type,
                                                                     schemaVersion: event.schemaVersion, payload: event.payload, metadata: event.metadata,
                                                                     recordedAt: Timestamp(microsecondsSinceEpoch: 0), hash: []), to: states[id])
                }
                touched.insert(id)
                kinds[kind, default: 0] += 1
                if let slot = slots[planned.stream] {
                    appends[slot].events += planned.events
                } else {
                    slots[planned.stream] = appends.count
                    appends.append(StreamAppend(stream: planned.stream, expected: .any, events: planned.events))
                }
            }
            // One append of about 400 events, prepared in two halves on two cores.
            try store.events.append(appends)
        }
        #expect(kinds["create", default: 0] >= 1_000 && kinds["correct", default: 0] >= 100 && kinds["retract", default: 0] >= 20,
                "too few edits of a kind landed: \(kinds)")
        #expect(kinds["correct a record created in the same batch", default: 0] >= 10, "\(kinds)")
        // Against a fresh copy built one event at a time.
        #expect(try store.maintenance.verifyProjections(chunkSize: 1) == [])
        let found = try titles.map { try SearchReader(store).find($0).map(\.id) }
        #expect(found.allSatisfy { $0.count >= 100 }, "\(found.map(\.count))")
        try store.maintenance.rebuild(chunkSize: 512)
        #expect(try store.maintenance.verifyProjections(chunkSize: 1) == [])
        #expect(try titles.map { try SearchReader(store).find($0).map(\.id) } == found)
    }

    @Test("a rebuild that grows a 1 MiB map while the log is read ahead on another thread stays byte for byte")
    func mapGrowsDuringRebuild() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var options = EnvironmentOptions()
        options.initialMapSize = 1 << 20
        var store = try ProjectedStore(path: directory.appending("store"), create: true, options: options)
        defer { store.close() }
        var landed = 0
        let paragraph = String(repeating: "Hợp tác biên giới và ngoại giao giữa các tỉnh. ", count: 12)
        for i in 0..<400 {
            let article = Article(id: try RecordID("article/example.vn/\(5000 + i)"), source: "example.vn",
                                  url: "https://example.vn/tin/\(5000 + i)-a.html", category: "tin", title: "Hội nghị hợp tác số \(i)",
                                  publishedAt: try RecordDate("20\(10 + i % 12)-05-01"), viewCount: ViewCount(count: Int64(i)),
                                  paragraphs: ["Đoạn \(i) từ \(i * 7919) đến \(i * 104_729).", paragraph])
            try store.editor.create(.article(article), context: edit("importer", "seed \(i)"))
            // Corrected, so that every state holds its document (an unchanged one leaves it in the create).
            try store.editor.correct(article.id, set: [(try FieldPath("title"), .string("Hội nghị hợp tác số \(i), đã sửa"))],
                                     context: edit("editor", "title \(i)"))
            landed += 1
        }
        #expect(landed == 400)
        // Reopened with a 1 MiB map, LMDB maps exactly the data file: the second generation the
        // rebuild writes must grow the map.
        store.close()
        store = try ProjectedStore(path: directory.appending("store"), create: false, options: options)
        let before = try store.environment.usage().mapSize
        let found = try SearchReader(store).find("hoi nghi hop tac")
        #expect(found.count == 400)
        let report = try store.maintenance.rebuild(chunkSize: 16)
        #expect(report.events == 800)
        #expect(try store.environment.usage().mapSize > before, "the map did not grow during the rebuild: the test tested nothing")
        #expect(try SearchReader(store).find("hoi nghi hop tac") == found)
        #expect(try store.maintenance.verifyProjections() == [])
    }
}
