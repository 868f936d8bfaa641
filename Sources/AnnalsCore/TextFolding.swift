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
    /// index builder keeps bytes, not strings, and deduplicates them itself).
    package static func forEachWord(in text: String, _ body: (borrowing [UInt8]) -> Void) {
        var word: [UInt8] = []
        word.reserveCapacity(32)
        func finish() {
            guard !word.isEmpty else { return }
            body(word)
            word.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                if (0x61...0x7A).contains(v) || (0x30...0x39).contains(v) { word.append(UInt8(v)) }
                else if (0x41...0x5A).contains(v) { word.append(UInt8(v + 32)) }
                else { finish() }
            } else if let folded = latinFoldBytes(v) {
                word.append(contentsOf: folded)
            } else if (0x0300...0x036F).contains(v) {
                continue
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                word.append(contentsOf: slowFold(String(scalar)).utf8)
            } else {
                finish()
            }
        }
        finish()
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
        guard word.count > indexedWordBytes else { return word.count }
        var end = indexedWordBytes
        while end > 0 && word[end] & 0xC0 == 0x80 { end -= 1 }
        return end
    }

    private static let latinABytes: [[UInt8]] = latinA.map { Array($0.utf8) }
    private static let latinBBytes: [[UInt8]] = latinB.map { Array($0.utf8) }

    private static func latinFoldBytes(_ value: UInt32) -> [UInt8]? {
        if (0x00C0...0x024F).contains(value) { return latinABytes[Int(value - 0x00C0)] }
        if (0x1E00...0x1EFF).contains(value) { return latinBBytes[Int(value - 0x1E00)] }
        return nil
    }
}
