#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AnnalsLMDB

/// A set of folded words kept flat: their bytes one after another in one array, found through an
/// open-addressing table of their hashes. Adding or finding a word allocates nothing of its own, and
/// dropping the set frees four arrays, not an array per word. A new record's words are folded into
/// one on another core; the writer interns every word of a batch, or of a rebuild's flush, into
/// another, carrying the hashes over instead of hashing again.
struct WordTable: Sendable {
    private var bytes: [UInt8] = []
    /// Word `slot` is `bytes[starts[slot] ..< starts[slot + 1]]`.
    private var starts: [Int] = [0]
    private var hashes: [Int] = []
    /// Per bucket, the slot of the word there, or -1.
    private var buckets: [Int32]

    init(expectedWords: Int = 32) {
        var capacity = 16
        while capacity < expectedWords * 2 { capacity <<= 1 }
        buckets = Array(repeating: -1, count: capacity)
    }

    /// Roughly the bytes it takes.
    var heldBytes: Int { bytes.count + hashes.count * 16 + buckets.count * 4 }

    /// The hash a word is kept under: the same in every table of this process.
    static func hash(_ word: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: word)
        return hasher.finalize()
    }

    /// The slot of `word`, whose `hash(_:)` is `hash`, added when new; `inserted` says which.
    @discardableResult
    mutating func insert(_ word: UnsafeRawBufferPointer, hash: Int) -> (slot: Int, inserted: Bool) {
        var bucket = hash & (buckets.count - 1)
        while case let found = Int(buckets[bucket]), found >= 0 {
            if hashes[found] == hash && holds(found, word) { return (found, false) }
            bucket = (bucket + 1) & (buckets.count - 1)
        }
        let slot = hashes.count
        buckets[bucket] = Int32(slot)
        bytes.append(contentsOf: word)
        starts.append(bytes.count)
        hashes.append(hash)
        if hashes.count * 2 > buckets.count { grow() }
        return (slot, true)
    }

    /// Whether it holds `word`, whose `hash(_:)` is `hash`.
    func contains(_ word: UnsafeRawBufferPointer, hash: Int) -> Bool {
        var bucket = hash & (buckets.count - 1)
        while case let found = Int(buckets[bucket]), found >= 0 {
            if hashes[found] == hash && holds(found, word) { return true }
            bucket = (bucket + 1) & (buckets.count - 1)
        }
        return false
    }

    /// Calls `body` with each word and its hash, in the order they were added.
    func forEach(_ body: (UnsafeRawBufferPointer, Int) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { all in
            for slot in hashes.indices {
                try body(UnsafeRawBufferPointer(rebasing: all[starts[slot]..<starts[slot + 1]]), hashes[slot])
            }
        }
    }

    /// The bytes of word `slot`.
    func word(_ slot: Int) -> [UInt8] { Array(bytes[starts[slot]..<starts[slot + 1]]) }

    /// Every slot, in the order LMDB sorts the words as keys.
    func slotsInKeyOrder() -> [Int] {
        bytes.withUnsafeBufferPointer { all in
            hashes.indices.sorted { a, b in
                keyPrecedes(UnsafeBufferPointer(rebasing: all[starts[a]..<starts[a + 1]]),
                            UnsafeBufferPointer(rebasing: all[starts[b]..<starts[b + 1]]))
            }
        }
    }

    private func holds(_ slot: Int, _ word: UnsafeRawBufferPointer) -> Bool {
        let start = starts[slot], length = starts[slot + 1] - start
        guard length == word.count else { return false }
        guard length > 0 else { return true }
        return bytes.withUnsafeBytes { memcmp($0.baseAddress! + start, word.baseAddress!, length) == 0 }
    }

    private mutating func grow() {
        buckets = Array(repeating: -1, count: buckets.count * 2)
        let mask = buckets.count - 1
        for slot in hashes.indices {
            var bucket = hashes[slot] & mask
            while buckets[bucket] >= 0 { bucket = (bucket + 1) & mask }
            buckets[bucket] = Int32(slot)
        }
    }
}
