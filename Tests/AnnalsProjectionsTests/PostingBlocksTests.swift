import AnnalsCore
import AnnalsLMDB
@testable import AnnalsProjections
import AnnalsTesting
import PropertyBased
import Synchronization
import Testing

@Suite("Search postings in blocks")
struct PostingBlocksTests {
    /// An environment in a temporary directory; close it, then remove the directory.
    private func scratchEnvironment() throws -> (Environment, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        do {
            return (try Environment(path: directory.appending("env")), directory)
        } catch {
            directory.remove()
            throw error
        }
    }

    /// Every entry of `table`.
    private func entries(_ table: Database, _ environment: Environment) throws -> [Entry] {
        try environment.read { txn in
            var entries: [Entry] = []
            try txn.scan(table) { entries.append($0); return true }
            return entries
        }
    }

    @Test("adds and removals in any batching give the bytes of the final set written at once, and reads answer as the set does")
    func batchingLeavesNoTrace() async {
        let checked = Mutex(0)
        // Each code: a number up to 3,000 (six blocks), whether it is added, and whether a batch ends after it.
        await propertyCheck(count: 40, input: Gen.int(in: 0...11_999).array(of: 1...200)) { codes in
            let (environment, directory) = try scratchEnvironment()
            defer { environment.close(); directory.remove() }
            let stepwise = try environment.database("stepwise"), atOnce = try environment.database("at-once")
            let word = Array("hội".utf8)
            var model = Set<UInt64>(), batch: [UInt64: Bool] = [:]
            func flush() throws {
                let changes = batch.map { (number: $0.key, add: $0.value) }
                try environment.write { txn in try PostingBlocks.apply(changes, to: word, in: stepwise, txn: txn) }
                batch = [:]
            }
            for code in codes {
                let number = UInt64(code % 3000) + 1, add = code / 3000 % 2 == 0
                // Within a batch a number changes at most once, from what the store holds: as the projection asks.
                if batch[number] != nil { try flush() }
                if add != model.contains(number) {
                    batch[number] = add
                    if add { model.insert(number) } else { model.remove(number) }
                }
                if code / 6000 == 1 { try flush() }
            }
            try flush()
            try environment.write { txn in try PostingBlocks.apply(model.map { (number: $0, add: true) }, to: word, in: atOnce, txn: txn) }
            #expect(try entries(stepwise, environment) == entries(atOnce, environment), "codes \(codes)")
            let probes = Array(stride(from: UInt64(1), through: 3000, by: 7))
            let read: (count: Int, numbers: [UInt64], held: [Bool], other: Int) = try environment.read { txn in
                var postings = WordPostings(word, in: stepwise, txn: txn)
                let held = try probes.map { try postings.contains($0) }
                return (try postings.count(), try postings.numbers(), held, try WordPostings(Array("hộ".utf8), in: stepwise, txn: txn).count())
            }
            #expect(read.count == model.count && read.numbers == model.sorted() && read.other == 0)
            #expect(read.held == probes.map(model.contains))
            checked.withLock { $0 += model.count }
        }
        // Sequences that leave nothing would compare two empty tables.
        #expect(checked.withLock { $0 } >= 500, "only \(checked.withLock { $0 }) numbers were left across the sequences")
    }

    @Test("changes held over many batches, repeated and out of order, written at random points, leave each word's final set")
    func heldChanges() async {
        let checked = Mutex(0)
        let words = ["bão", "bao", "lũ", "lu"].map { Array($0.utf8) }
        // Each code: a word, a number up to 2,000, whether it enters or leaves, whether a write follows.
        await propertyCheck(count: 40, input: Gen.int(in: 0...31_999).array(of: 1...300)) { codes in
            let (environment, directory) = try scratchEnvironment()
            defer { environment.close(); directory.remove() }
            let held = try environment.database("held"), atOnce = try environment.database("at-once")
            var model: [[UInt8]: Set<UInt64>] = [:], changes = PostingChanges(), written = false
            func write() throws {
                try environment.write { txn in try changes.write(to: held, in: txn, tableIsEmpty: !written) }
                if !changes.isEmpty { written = true }
                changes = PostingChanges()
            }
            for code in codes {
                let word = words[code % 4], number = UInt64(code / 4 % 2000) + 1, add = code / 8000 % 2 == 0
                word.withUnsafeBytes { changes.record($0, hash: WordHash.of($0), number, add: add) }
                if add { model[word, default: []].insert(number) } else { model[word, default: []].remove(number) }
                if code / 16_000 == 1, code % 5 == 0 { try write() }
            }
            try write()
            try environment.write { txn in
                for word in words.sorted(by: keyPrecedes) { try PostingBlocks.appendNew(model[word, default: []].sorted(), to: word, in: atOnce, txn: txn) }
            }
            #expect(try entries(held, environment) == entries(atOnce, environment), "codes \(codes)")
            checked.withLock { $0 += model.values.reduce(0) { $0 + $1.count } }
        }
        #expect(checked.withLock { $0 } >= 500, "only \(checked.withLock { $0 }) numbers were left across the sequences")
    }

    @Test("a damaged block is an error naming the word and the rebuild, not a crash")
    func damagedBlock() throws {
        let (environment, directory) = try scratchEnvironment()
        defer { environment.close(); directory.remove() }
        let table = try environment.database("blocks")
        try environment.write { txn in try txn.put(table, Array("bão".utf8) + [0, 0, 0, 0, 1], [200, 1]) }
        let error = #expect(throws: ProjectionError.self) {
            try environment.read { txn in try WordPostings(Array("bão".utf8), in: table, txn: txn).numbers() }
        }
        #expect(error?.problem.contains("search projection's postings of bão") == true, "\(String(describing: error))")
        #expect(error?.remedy == .rebuild(projection: "search"))
    }
}
