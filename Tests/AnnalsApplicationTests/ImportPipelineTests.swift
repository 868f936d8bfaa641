import AnnalsCore
import AnnalsRecords
import Foundation
import Testing
@testable import AnnalsApplication

/// An import reads and prepares on one thread while the caller writes: every item arrives once,
/// in input order, and a failure on either side ends both.
@Suite("The import's reading thread")
struct ImportPipelineTests {
    struct Unreadable: Error {}
    struct DiskFull: Error {}

    static let planner = ImportPlanner(actor: "nhập", correlationID: UUID())

    /// How many items a reader read: written by the reading thread, read once `run` returned
    /// (which waits for that thread to end).
    final class Count { var value = 0 }

    /// A reader of `count` diplomacy events named `prefix-N`, failing after `failAfter` of them.
    static func reader(_ prefix: String, count: Int, failAfter: Int? = nil, read: Count? = nil) -> ImportPipeline.Reader {
        { add in
            for index in 0..<count {
                if index == failAfter { throw Unreadable() }
                read?.value += 1
                let record = Record.diplomacyEvent(DiplomacyEvent(id: try RecordID("event/\(prefix)-\(index)"), kind: try EventKind("meeting"),
                                                                  title: "Hội đàm \(index)", date: try RecordDate("2021")))
                try add(ImportItem(location: SourceLocation(file: "\(prefix).jsonl", line: index + 1), result: .success(record)))
            }
        }
    }

    @Test("items from several inputs arrive once each, in input order, each with its create planned; more than the queue holds")
    func order() throws {
        var seen: [String] = []
        try ImportPipeline.run([Self.reader("a", count: 1_500), Self.reader("b", count: 700)], planner: Self.planner, depth: 64) { prepared in
            guard case .success(let record) = prepared.item.result, case .success(let create)? = prepared.create else {
                Issue.record("an item without its record or its create")
                return
            }
            #expect(create.stream.rawValue == record.id.rawValue && create.events.count == 1)
            seen.append(record.id.rawValue)
        }
        #expect(seen == (0..<1_500).map { "event/a-\($0)" } + (0..<700).map { "event/b-\($0)" })
    }

    @Test("a reader's failure comes after the items read before it; a consumer's failure stops the reader early")
    func failures() throws {
        var consumed = 0
        #expect(throws: Unreadable.self) {
            try ImportPipeline.run([Self.reader("a", count: 100), Self.reader("b", count: 100, failAfter: 40)], planner: Self.planner, depth: 8) { _ in
                consumed += 1
            }
        }
        #expect(consumed == 140)

        let read = Count()
        consumed = 0
        #expect(throws: DiskFull.self) {
            try ImportPipeline.run([Self.reader("c", count: 100_000, read: read)], planner: Self.planner, depth: 8) { _ in
                consumed += 1
                if consumed == 10 { throw DiskFull() }
            }
        }
        // The reader stopped within a queue's length of where the writer failed, not at the end of its input.
        #expect(consumed == 10 && read.value < 100)
    }
}
