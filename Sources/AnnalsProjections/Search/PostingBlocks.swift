import AnnalsCore
import AnnalsLMDB
import AnnalsRecords

/// How the search projection stores each word's postings: the numbers of the records holding it,
/// in blocks by number range.
///
/// - Key: folded word ‖ `0x00` ‖ block (u32, big-endian: the number's range of 512). A word's
///   blocks are contiguous and in number order; folded words hold no `0x00`.
/// - Value: how many numbers the block holds, then the numbers ascending as varint gaps, the first
///   from the block's first number.
///
/// Which block holds a number follows from the number alone, so the bytes depend only on the set
/// of numbers, never on how the events were batched: a rebuild and the incrementally maintained
/// store agree byte for byte. Record numbers are log positions, mostly consecutive within a
/// word's block, so a posting takes one or two bytes where a fixed-size value took eight.
enum PostingBlocks {
    static let blockBits: UInt64 = 9

    /// The block of `number`; numbers past 2^41 (more events than any store holds) are refused.
    static func block(of number: UInt64) throws -> UInt64 {
        let block = number >> blockBits
        guard block <= UInt64(UInt32.max) else {
            throw RecordError.invalidField(field: "record number", value: "\(number)", fix: "search indexes record numbers below 2^41")
        }
        return block
    }

    static func key(_ word: [UInt8], block: UInt64) -> [UInt8] {
        var key = word
        key.reserveCapacity(word.count + 5)
        key.append(0)
        key.appendBigEndian(UInt32(truncatingIfNeeded: block))
        return key
    }

    /// The first key after every block of `word`.
    static func end(of word: [UInt8]) -> [UInt8] { word + [1] }

    static func encode(_ numbers: [UInt64], block: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: numbers.count + 4)
        writer.unsigned(UInt64(numbers.count))
        var previous = block << blockBits
        for number in numbers {
            writer.unsigned(number - previous)
            previous = number
        }
        return writer.bytes
    }

    static func decode(_ entry: Entry) throws -> [UInt64] {
        var reader = ByteReader(entry.value[...])
        do {
            let count = try reader.unsigned()
            guard entry.key.count >= 5, count <= UInt64(entry.value.count) else { throw ByteReader.Truncated() }
            var number = readBigEndian(entry.key.suffix(4)) << blockBits
            var numbers: [UInt64] = []
            numbers.reserveCapacity(Int(count))
            for _ in 0..<count {
                // A damaged gap is an error, not an overflow.
                let (next, overflow) = number.addingReportingOverflow(try reader.unsigned())
                guard !overflow else { throw ByteReader.Truncated() }
                number = next
                numbers.append(number)
            }
            guard reader.isAtEnd else { throw ByteReader.Truncated() }
            return numbers
        } catch {
            throw damaged(entry)
        }
    }

    /// How many numbers a block holds, read from its first piece alone.
    static func count(_ entry: Entry) throws -> Int {
        var reader = ByteReader(entry.value[...])
        guard let count = try? reader.unsigned(), count <= UInt64(entry.value.count) else { throw damaged(entry) }
        return Int(count)
    }

    /// Applies one word's changes (each number at most once: added when `add`, else removed),
    /// rewriting only the blocks they fall in; a block left empty is deleted.
    static func apply(_ changes: [(number: UInt64, add: Bool)], to word: [UInt8], in table: Database, txn: WriteTransaction) throws {
        let sorted = changes.sorted { $0.number < $1.number }
        try forEachBlock(of: sorted.count, number: { sorted[$0].number }) { block, run in
            let key = key(word, block: block)
            let stored = try txn.get(table, key)
            // The usual case on the append path: new records entering a block, numbered after
            // every number it holds. Their gaps go after the block's own, which are copied, not decoded.
            if let stored, sorted[run].allSatisfy(\.add),
               let extended = try appending(sorted[run].map(\.number), to: Entry(key: key, value: stored), block: block) {
                try txn.put(table, key, extended)
                return
            }
            let held = try stored.map { try decode(Entry(key: key, value: $0)) } ?? []
            let numbers = merged(held, sorted[run])
            if numbers.isEmpty {
                if !held.isEmpty { try txn.delete(table, key) }
            } else {
                try txn.put(table, key, encode(numbers, block: block))
            }
        }
    }

    /// `held` (ascending, distinct) with `changes` made (ascending by number, each number once):
    /// one merge of the two, nothing hashed.
    private static func merged(_ held: [UInt64], _ changes: ArraySlice<(number: UInt64, add: Bool)>) -> [UInt64] {
        var result: [UInt64] = []
        result.reserveCapacity(held.count + changes.count)
        var next = held.startIndex
        for change in changes {
            while next < held.endIndex && held[next] < change.number {
                result.append(held[next])
                next += 1
            }
            if next < held.endIndex && held[next] == change.number { next += 1 }
            if change.add { result.append(change.number) }
        }
        result += held[next...]
        return result
    }

    /// The block `entry` with `added` (ascending, distinct) after its numbers, when every one of
    /// them is larger than the block's last; nil otherwise. Gives the bytes `encode` gives for the
    /// whole set.
    static func appending(_ added: [UInt64], to entry: Entry, block: UInt64) throws -> [UInt8]? {
        var reader = ByteReader(entry.value[...])
        var last = block << blockBits
        let count: UInt64, gapsStart: Int
        do {
            count = try reader.unsigned()
            gapsStart = reader.offset
            guard count <= UInt64(entry.value.count) else { throw ByteReader.Truncated() }
            for _ in 0..<count {
                let (next, overflow) = last.addingReportingOverflow(try reader.unsigned())
                guard !overflow else { throw ByteReader.Truncated() }
                last = next
            }
            guard reader.isAtEnd else { throw ByteReader.Truncated() }
        } catch {
            throw damaged(entry)
        }
        guard let first = added.first, count == 0 || first > last else { return nil }
        var writer = ByteWriter(capacity: entry.value.count + added.count * 2 + 4)
        writer.unsigned(count + UInt64(added.count))
        writer.rest(entry.value[gapsStart...])
        for number in added {
            writer.unsigned(number - last)
            last = number
        }
        return writer.bytes
    }

    /// Writes a word's whole set (`numbers`, ascending and distinct) into a table holding no key
    /// after the word's first: its blocks are appended, in key order, without reading first.
    static func appendNew(_ numbers: [UInt64], to word: [UInt8], in table: Database, txn: WriteTransaction) throws {
        try forEachBlock(of: numbers.count, number: { numbers[$0] }) { block, run in
            try txn.put(table, key(word, block: block), encode(Array(numbers[run]), block: block), options: .append)
        }
    }

    /// Calls `body` with each block that `count` ascending numbers (the `number(i)`) fall in, and
    /// the run of indices in it.
    private static func forEachBlock(of count: Int, number: (Int) -> UInt64, _ body: (UInt64, Range<Int>) throws -> Void) throws {
        var start = 0
        while start < count {
            let block = try block(of: number(start))
            var end = start + 1
            while end < count, number(end) >> blockBits == block { end += 1 }
            try body(block, start..<end)
            start = end
        }
    }

    private static func damaged(_ entry: Entry) -> ProjectionError {
        ProjectionError.damaged(projection: "search", part: "postings of \(String(decoding: entry.key.prefix { $0 != 0 }, as: UTF8.self))",
                                value: hexPrefix(entry.value, 16), problem: nil)
    }
}

/// Reads one word's postings in a read transaction.
struct WordPostings {
    let word: [UInt8]
    let table: Database
    let txn: Transaction
    /// The block last read by `contains`, kept because candidates are asked in ascending order.
    private var cached: (block: UInt64, numbers: [UInt64])?

    init(_ word: [UInt8], in table: Database, txn: Transaction) {
        self.word = word
        self.table = table
        self.txn = txn
    }

    /// How many live records hold the word, read from the blocks' counts alone.
    func count() throws -> Int {
        var total = 0
        try forEachBlock { total += try PostingBlocks.count($0) }
        return total
    }

    /// Every number holding the word, ascending.
    func numbers() throws -> [UInt64] {
        var numbers: [UInt64] = []
        try forEachBlock { numbers += try PostingBlocks.decode($0) }
        return numbers
    }

    /// Visits the word's blocks in number order.
    private func forEachBlock(_ body: (Entry) throws -> Void) throws {
        try txn.scan(table, from: word + [0], to: PostingBlocks.end(of: word)) { entry in
            try body(entry)
            return true
        }
    }

    /// Whether record `number` holds the word.
    mutating func contains(_ number: UInt64) throws -> Bool {
        let block = try PostingBlocks.block(of: number)
        if cached?.block != block {
            let key = PostingBlocks.key(word, block: block)
            cached = (block, try txn.get(table, key).map { try PostingBlocks.decode(Entry(key: key, value: $0)) } ?? [])
        }
        guard let numbers = cached?.numbers else { return false }
        var low = 0, high = numbers.count
        while low < high {
            let middle = (low + high) / 2
            if numbers[middle] < number { low = middle + 1 } else { high = middle }
        }
        return low < numbers.count && numbers[low] == number
    }
}
