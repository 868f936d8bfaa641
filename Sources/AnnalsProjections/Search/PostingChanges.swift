import AnnalsLMDB

/// Changes to the search postings, grouped by word, in the order they were made: each one sets
/// whether a record number holds a word. The append path groups one batch's changes; a rebuild
/// groups many batches' (`SearchCollector`), so that each word's blocks are written once per
/// flush rather than once per batch.
struct PostingChanges {
    /// The words changed; a word's slot there indexes `changes` and `previous`.
    private var words = WordTable(expectedWords: 1024)
    /// Per word, its changes in the order made, each a varint of the zigzagged difference from the
    /// word's previous number, shifted left once, plus 1 when the number enters the word's set.
    /// A rebuild's new records mostly differ by a few positions: a change takes a byte or two.
    private var changes: [[UInt8]] = []
    /// Per word, the number of its last change.
    private var previous: [UInt64] = []
    /// How many changes are held.
    private(set) var count = 0
    private var changeBytes = 0

    var isEmpty: Bool { count == 0 }

    /// Roughly the bytes held: the changes, the words, and per word its lists.
    var heldBytes: Int { changeBytes + words.heldBytes + changes.count * 48 }

    /// Records that `number` enters (`add`) or leaves the set of `word`, whose `WordHash.of` is `hash`.
    mutating func record(_ word: UnsafeRawBufferPointer, hash: Int, _ number: UInt64, add: Bool) {
        let (slot, inserted) = words.insert(word, hash: hash)
        if inserted {
            changes.append([])
            previous.append(0)
        }
        let difference = Int64(bitPattern: number &- previous[slot])
        var value = (UInt64(bitPattern: (difference << 1) ^ (difference >> 63)) << 1) | (add ? 1 : 0)
        previous[slot] = number
        while value >= 0x80 {
            changes[slot].append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
            changeBytes += 1
        }
        changes[slot].append(UInt8(value))
        changeBytes += 1
        count += 1
    }

    /// A word's changes as number << 1, plus 1 when the number enters.
    private func decoded(_ slot: Int) -> [UInt64] {
        var result: [UInt64] = [], number: UInt64 = 0, value: UInt64 = 0, shift: UInt64 = 0
        for byte in changes[slot] {
            value |= UInt64(byte & 0x7F) << shift
            shift += 7
            guard byte < 0x80 else { continue }
            let zigzag = value >> 1
            number &+= UInt64(bitPattern: Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1))
            result.append(number << 1 | (value & 1))
            value = 0
            shift = 0
        }
        return result
    }

    /// Writes every word's changes into `table`, words in key order (see `write(_:to:in:tableIsEmpty:stopAfterBytes:)`).
    func write(to table: Database, in txn: WriteTransaction, tableIsEmpty: Bool) throws {
        let order = slotsInKeyOrder()
        _ = try write(order[...], to: table, in: txn, tableIsEmpty: tableIsEmpty, stopAfterBytes: .max)
    }

    /// The words' slots, in the order their keys sort in.
    func slotsInKeyOrder() -> [Int] { words.slotsInKeyOrder() }

    /// Writes the changes of the words at `slots` (a run of `slotsInKeyOrder`) into `table`, and
    /// returns how many words it wrote: all of them, or (one at least) fewer once `txn` has put `stopAfterBytes`.
    /// A number changed more than once ends as its last change left it. `tableIsEmpty`: the table
    /// holds no key after these words' (a rebuild's first write), so blocks are appended unread.
    func write(_ slots: ArraySlice<Int>, to table: Database, in txn: WriteTransaction, tableIsEmpty: Bool, stopAfterBytes: Int) throws -> Int {
        var written = 0
        for slot in slots {
            if written > 0 && txn.bytesPut >= stopAfterBytes { break }  // one word at least: every call moves on
            let final = Self.lastChanges(decoded(slot))
            if tableIsEmpty {
                try PostingBlocks.appendNew(final.filter(\.add).map(\.number), to: words.word(slot), in: table, txn: txn)
            } else {
                try PostingBlocks.apply(final, to: words.word(slot), in: table, txn: txn)
            }
            written += 1
        }
        return written
    }

    /// Each number once, as its last change left it, in ascending order.
    private static func lastChanges(_ changes: [UInt64]) -> [(number: UInt64, add: Bool)] {
        // The usual case: new records entering, numbered in the order they were created.
        var ascending = true
        for index in changes.indices.dropFirst() where changes[index] >> 1 <= changes[index - 1] >> 1 {
            ascending = false
            break
        }
        if ascending { return changes.map { ($0 >> 1, $0 & 1 == 1) } }
        // Otherwise each change with the order it was made in, sorted by number and then by that
        // order, so the last change of each number ends its run; nothing is hashed.
        var ordered = changes.enumerated().map { (change: $0.element, made: $0.offset) }
        ordered.sort { $0.change >> 1 != $1.change >> 1 ? $0.change >> 1 < $1.change >> 1 : $0.made < $1.made }
        var result: [(number: UInt64, add: Bool)] = []
        result.reserveCapacity(ordered.count)
        for index in ordered.indices where index == ordered.count - 1 || ordered[index + 1].change >> 1 != ordered[index].change >> 1 {
            result.append((ordered[index].change >> 1, ordered[index].change & 1 == 1))
        }
        return result
    }
}
