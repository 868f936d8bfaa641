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
        bytes.reserveCapacity(expectedWords * 8)
        starts.reserveCapacity(expectedWords + 1)
        hashes.reserveCapacity(expectedWords)
    }

    /// Roughly the bytes it takes.
    var heldBytes: Int { bytes.count + hashes.count * 16 + buckets.count * 4 }

    /// The slot of `word`, whose `WordHash.of` is `hash`, added when new; `inserted` says which.
    @discardableResult
    mutating func insert(_ word: UnsafeRawBufferPointer, hash: Int) -> (slot: Int, inserted: Bool) {
        var bucket = hash & (buckets.count - 1)
        while case let found = Int(buckets[bucket]), found >= 0 {
            if hashes[found] == hash && holds(found, word) { return (found, false) }
            bucket = (bucket + 1) & (buckets.count - 1)
        }
        let slot = hashes.count
        buckets[bucket] = Int32(slot)
        bytes.append(contentsOf: word.assumingMemoryBound(to: UInt8.self))  // typed: copied in one piece
        starts.append(bytes.count)
        hashes.append(hash)
        if hashes.count * 2 > buckets.count { grow() }
        return (slot, true)
    }

    /// Whether it holds `word`, whose `WordHash.of` is `hash`.
    func contains(_ word: UnsafeRawBufferPointer, hash: Int) -> Bool { slot(of: word, hash: hash) != nil }

    /// The slot of `word`, whose `WordHash.of` is `hash`, or nil when it does not hold it. Slots
    /// count from 0 in the order words were added.
    func slot(of word: UnsafeRawBufferPointer, hash: Int) -> Int? {
        var bucket = hash & (buckets.count - 1)
        while case let found = Int(buckets[bucket]), found >= 0 {
            if hashes[found] == hash && holds(found, word) { return found }
            bucket = (bucket + 1) & (buckets.count - 1)
        }
        return nil
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

/// The hash `WordTable` keeps a word under.
enum WordHash {
    /// The hash a word is kept under: the same in every table of this process. Words are short,
    /// and every word of every record is hashed once, so this reads eight bytes at a time and mixes
    /// them with multiplications (Hasher's SipHash took a tenth of a rebuild). Its seed is drawn
    /// per process, so the table's order cannot be predicted from outside and planned against.
    static func of(_ word: UnsafeRawBufferPointer) -> Int {
        var state = seed ^ (UInt64(word.count) &* 0x9E37_79B9_7F4A_7C15)
        var offset = 0
        while offset + 8 <= word.count {
            state = mix(state ^ word.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < word.count {
            var tail: UInt64 = 0
            for index in offset..<word.count { tail |= UInt64(word[index]) << (8 * UInt64(index - offset)) }
            state = mix(state ^ tail)
        }
        // MurmurHash3's finaliser: every input bit reaches the low bits a bucket is chosen by.
        state ^= state >> 33
        state &*= 0xFF51_AFD7_ED55_8CCD
        state ^= state >> 33
        state &*= 0xC4CE_B9FE_1A85_EC53
        state ^= state >> 33
        return Int(truncatingIfNeeded: state)
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        let product = value &* 0x9FB2_1C65_1E98_DF25
        return product ^ (product >> 29)
    }

    private static let seed: UInt64 = {
        var hasher = Hasher()  // seeded at random for each process
        hasher.combine(0x616E_6E61_6C73)
        return UInt64(truncatingIfNeeded: hasher.finalize())
    }()
}
