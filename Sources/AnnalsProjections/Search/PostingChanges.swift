import AnnalsLMDB

/// Changes to the search postings, grouped by word, in the order they were made: each one sets
/// whether a record number holds a word. The append path groups one batch's changes; a rebuild
/// groups many batches' (`SearchCollector`), so that each word's blocks are written once per
/// flush rather than once per batch.
struct PostingChanges {
    private var index: [FoldedWord: Int] = [:]
    private var words: [FoldedWord] = []
    /// Per word, in the order made: number << 1, plus 1 when the number enters the word's set.
    private var changes: [[UInt64]] = []
    /// How many changes are held.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// Roughly the bytes held: eight per change, and a word's key, entry and list.
    var heldBytes: Int { count * 8 + words.count * 96 }

    mutating func record(_ word: FoldedWord, _ number: UInt64, add: Bool) {
        let change = number << 1 | (add ? 1 : 0)
        if let slot = index[word] {
            changes[slot].append(change)
        } else {
            index[word] = words.count
            words.append(word)
            changes.append([change])
        }
        count += 1
    }

    /// Writes every word's changes into `table`, words in key order. A number changed more than
    /// once ends as its last change left it. `tableIsEmpty`: the table holds no postings yet (a
    /// rebuild's first write), so each word's blocks are appended without reading first.
    func write(to table: Database, in txn: WriteTransaction, tableIsEmpty: Bool) throws {
        for slot in words.indices.sorted(by: { words[$0] < words[$1] }) {
            let final = Self.lastChanges(changes[slot])
            if tableIsEmpty {
                try PostingBlocks.appendNew(final.filter(\.add).map(\.number), to: words[slot].bytes, in: table, txn: txn)
            } else {
                try PostingBlocks.apply(final, to: words[slot].bytes, in: table, txn: txn)
            }
        }
    }

    /// Each number once, as its last change left it, in ascending order.
    private static func lastChanges(_ changes: [UInt64]) -> [(number: UInt64, add: Bool)] {
        var ascending = true, previous: UInt64? = nil
        var left: Set<UInt64> = []  // numbers that leave the set at some point: few, from corrected text
        for change in changes {
            if change & 1 == 0 { left.insert(change >> 1) }
            if let previous, change >> 1 <= previous >> 1 { ascending = false }
            previous = change
        }
        // The usual case: new records entering, numbered in the order they were created.
        if ascending { return changes.map { ($0 >> 1, $0 & 1 == 1) } }
        // Numbers that only ever entered: each once, ascending.
        var entered: [UInt64] = []
        entered.reserveCapacity(changes.count)
        var inOrder = true
        for change in changes where change & 1 == 1 && (left.isEmpty || !left.contains(change >> 1)) {
            if let last = entered.last, change >> 1 <= last { inOrder = false }
            entered.append(change >> 1)
        }
        if !inOrder {
            entered.sort()
            var kept = 0
            for number in entered where kept == 0 || entered[kept - 1] != number {
                entered[kept] = number
                kept += 1
            }
            entered.removeLast(entered.count - kept)
        }
        guard !left.isEmpty else { return entered.map { ($0, true) } }
        // Numbers that left at some point: as their last change left them.
        var last: [UInt64: Bool] = [:]
        for change in changes where left.contains(change >> 1) { last[change >> 1] = change & 1 == 1 }
        let changed = last.sorted { $0.key < $1.key }
        var merged: [(number: UInt64, add: Bool)] = []
        merged.reserveCapacity(entered.count + changed.count)
        var i = 0, j = 0
        while i < entered.count || j < changed.count {
            if j == changed.count || (i < entered.count && entered[i] < changed[j].key) {
                merged.append((entered[i], true))
                i += 1
            } else {
                merged.append((changed[j].key, changed[j].value))
                j += 1
            }
        }
        return merged
    }
}
