import Foundation

/// Folds text for search: lower case, Vietnamese diacritics removed (đ and Đ become d), split into
/// words of letters and digits. "Hội nghị … ngoại giao" and "hoi nghi ngoai giao" fold alike.
public enum TextFolding {
    public static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                out.append(("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar)
            } else if let folded = latinFold(scalar.value) {
                out.append(contentsOf: folded.unicodeScalars)
            } else if (0x0300...0x036F).contains(scalar.value) {
                continue  // a combining mark of decomposed input: the diacritic itself
            } else {
                out.append(contentsOf: slowFold(String(scalar)).unicodeScalars)
            }
        }
        return String(out)
    }

    /// The folded form of every precomposed Latin letter (Latin-1, Extended-A and -B, and the
    /// Vietnamese block U+1E00–U+1EFF), computed once: folding is then an array look-up per letter.
    private static let latinA: [String] = (0x00C0...0x024F).map { slowFold(String(Unicode.Scalar(UInt32($0))!)) }
    private static let latinB: [String] = (0x1E00...0x1EFF).map { slowFold(String(Unicode.Scalar(UInt32($0))!)) }

    private static func latinFold(_ value: UInt32) -> String? {
        if (0x00C0...0x024F).contains(value) { return latinA[Int(value - 0x00C0)] }
        if (0x1E00...0x1EFF).contains(value) { return latinB[Int(value - 0x1E00)] }
        return nil
    }

    private static func slowFold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.lowercased().unicodeScalars {
            switch scalar.value {
            case 0x0300...0x036F: continue
            case 0x0111, 0x0110: out.append("d")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// The distinct folded words of `text`, in order of first appearance: runs of letters and
    /// digits, folded one scalar at a time (ASCII directly, Latin letters by table look-up).
    public static func tokens(_ text: String) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        forEachWord(in: text) { word in
            let text = String(decoding: word, as: UTF8.self)
            if seen.insert(text).inserted { result.append(text) }
        }
        return result
    }

    /// Calls `body` with the UTF-8 bytes of each folded word of `text`, repeats included (the
    /// index builder keeps bytes, not strings, and deduplicates them itself). The bytes are lent
    /// for the call only.
    package static func forEachWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        text.withUTF8 { forEachWord(utf8: $0, body) }
    }

    /// `forEachWord(in:_:)` over valid UTF-8 (a String's own bytes). Read a byte at a time: ASCII
    /// directly, precomposed Latin letters by a look-up in one flat table, combining marks of
    /// decomposed input skipped, other letters and digits through `slowFold`.
    package static func forEachWord(utf8 input: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        // The word is folded into memory on the stack; only a word longer than that takes the heap.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: wordBufferBytes) { stack in
            var word = WordBuffer(stack)
            defer { word.free() }
            foldWords(utf8: input, into: &word, body)
        }
    }

    /// The stack memory a word is folded into; a longer word moves to the heap.
    private static let wordBufferBytes = 256

    private static func foldWords(utf8 input: UnsafeBufferPointer<UInt8>, into word: inout WordBuffer,
                                  _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let table = latinTable
        table.bytes.withUnsafeBufferPointer { folded in
            table.starts.withUnsafeBufferPointer { starts in
                var index = 0
                while index < input.count {
                    let lead = input[index]
                    if lead < 0x80 {
                        index += 1
                        if lead &- 0x30 < 10 { word.append(lead) }
                        else if (lead | 0x20) &- 0x61 < 26 { word.append(lead | 0x20) }
                        else { word.finish(body) }
                        continue
                    }
                    let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                    var value = UInt32(lead) & (lead >= 0xF0 ? 0x07 : lead >= 0xE0 ? 0x0F : 0x1F)
                    for offset in 1..<length { value = value << 6 | UInt32(input[index + offset] & 0x3F) }
                    index += length
                    if let entry = LatinTable.entry(value) {
                        let start = Int(starts[entry]), end = Int(starts[entry + 1])
                        word.append(UnsafeBufferPointer(rebasing: folded[start..<end]))
                    } else if (0x0300...0x036F).contains(value) {
                        continue
                    } else if let scalar = Unicode.Scalar(value), scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                        var letter = slowFold(String(scalar))
                        letter.withUTF8 { word.append($0) }
                    } else {
                        word.finish(body)
                    }
                }
            }
        }
        word.finish(body)
    }

    /// The folded bytes of every precomposed Latin letter (see `latinA`, `latinB`) one after another.
    private struct LatinTable {
        let bytes: [UInt8]
        /// Letter `entry`'s bytes are `bytes[starts[entry] ..< starts[entry + 1]]`.
        let starts: [Int32]

        /// The entry of scalar `value`, or nil when it is not a precomposed Latin letter.
        @inline(__always) static func entry(_ value: UInt32) -> Int? {
            if value &- 0x00C0 <= 0x024F - 0x00C0 { return Int(value - 0x00C0) }
            if value &- 0x1E00 <= 0x1EFF - 0x1E00 { return 0x024F - 0x00C0 + 1 + Int(value - 0x1E00) }
            return nil
        }
    }

    private static let latinTable: LatinTable = {
        var bytes: [UInt8] = [], starts: [Int32] = [0]
        for letter in latinA + latinB {
            bytes += letter.utf8
            starts.append(Int32(bytes.count))
        }
        return LatinTable(bytes: bytes, starts: starts)
    }()

    /// The word being folded, reused for every word: in memory lent by the caller, and on the heap
    /// once a word outgrows that.
    private struct WordBuffer {
        private var start: UnsafeMutablePointer<UInt8>
        private var capacity: Int
        private var count = 0
        /// Whether `start` is memory of its own, from `grow`.
        private var owned = false

        init(_ lent: UnsafeMutableBufferPointer<UInt8>) {
            start = lent.baseAddress!
            capacity = lent.count
        }

        @inline(__always) mutating func append(_ byte: UInt8) {
            if count == capacity { grow(to: capacity * 2) }
            start[count] = byte
            count += 1
        }

        mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            if count + bytes.count > capacity { grow(to: max(capacity * 2, count + bytes.count)) }
            if let base = bytes.baseAddress { (start + count).update(from: base, count: bytes.count) }
            count += bytes.count
        }

        /// Hands a finished word to `body`, then starts the next.
        @inline(__always) mutating func finish(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
            guard count > 0 else { return }
            body(UnsafeBufferPointer(start: start, count: count))
            count = 0
        }

        private mutating func grow(to size: Int) {
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
            larger.update(from: start, count: count)
            if owned { start.deallocate() }
            start = larger
            capacity = size
            owned = true
        }

        func free() { if owned { start.deallocate() } }
    }

    /// The longest word the index keeps, in bytes: longer ones are indexed, and looked up, by
    /// their first 128 bytes (LMDB keys stop at 511 bytes; no one searches for longer words).
    package static let indexedWordBytes = 128

    /// `word` as the index keys it: cut to `indexedWordBytes`, at a character boundary.
    package static func indexed(_ word: borrowing [UInt8]) -> [UInt8] {
        guard word.count > indexedWordBytes else { return copy word }
        return Array(word[..<indexedLength(word)])
    }

    /// How many of `word`'s bytes the index keys it by (see `indexed`).
    package static func indexedLength(_ word: borrowing [UInt8]) -> Int {
        word.withUnsafeBufferPointer { indexedLength($0) }
    }

    /// `indexedLength` of bytes held elsewhere.
    package static func indexedLength(_ word: UnsafeBufferPointer<UInt8>) -> Int {
        guard word.count > indexedWordBytes else { return word.count }
        var end = indexedWordBytes
        while end > 0 && word[end] & 0xC0 == 0x80 { end -= 1 }
        return end
    }
}
