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
            let final = lastChanges(slot)
            if tableIsEmpty {
                try PostingBlocks.appendNew(final.filter(\.add).map(\.number), to: words.word(slot), in: table, txn: txn)
            } else {
                try PostingBlocks.apply(final, to: words.word(slot), in: table, txn: txn)
            }
            written += 1
        }
        return written
    }

    /// Each number word `slot` changed, once, as its last change left it, in ascending order.
    ///
    /// The changes are read in the order made. Those whose number is above every number before
    /// them (new records, most of what a rebuild holds) form an ascending run. The others come
    /// "late": any change of a number at or below the highest met so far, such as a later
    /// batch's correction of an older record when a rebuild holds many batches (`SearchCollector`).
    /// Once a number has been reached, every later change of it is late, so a number's late
    /// changes all follow its change in the run, if it has one, and the last of them decides it.
    /// Only the late ones are sorted.
    private func lastChanges(_ slot: Int) -> [(number: UInt64, add: Bool)] {
        var run: [(number: UInt64, add: Bool)] = [], late: [(number: UInt64, add: Bool, made: Int)] = []
        run.reserveCapacity(changes[slot].count)  // a change takes a byte at least
        var number: UInt64 = 0, value: UInt64 = 0, shift: UInt64 = 0, made = 0
        for byte in changes[slot] {
            value |= UInt64(byte & 0x7F) << shift
            shift += 7
            guard byte < 0x80 else { continue }
            let zigzag = value >> 1
            number &+= UInt64(bitPattern: Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1))
            if let highest = run.last?.number, number <= highest {
                late.append((number, value & 1 == 1, made))
            } else {
                run.append((number, value & 1 == 1))
            }
            made += 1
            value = 0
            shift = 0
        }
        guard !late.isEmpty else { return run }
        // By number, then by the order made, so the last change of each number ends its run.
        late.sort { $0.number != $1.number ? $0.number < $1.number : $0.made < $1.made }
        var result: [(number: UInt64, add: Bool)] = []
        result.reserveCapacity(run.count + late.count)
        var next = 0  // in `run`
        for index in late.indices where index == late.count - 1 || late[index + 1].number != late[index].number {
            let change = late[index]
            while next < run.count && run[next].number < change.number {
                result.append(run[next])
                next += 1
            }
            if next < run.count && run[next].number == change.number { next += 1 }  // the late change decides
            result.append((change.number, change.add))
        }
        result.append(contentsOf: run[next...])
        return result
    }
}
