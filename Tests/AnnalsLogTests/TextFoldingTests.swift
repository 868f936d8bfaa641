import AnnalsCore
import Testing

@Suite("Folding text for search")
struct TextFoldingTests {
    @Test("every precomposed Latin letter folds to the same words through the index's byte table as through fold()")
    func byteTableAgreesWithFold() {
        var letters = 0
        for value in Array(0x00C0...0x024F) + Array(0x1E00...0x1EFF) {
            guard let scalar = Unicode.Scalar(UInt32(value)), scalar.properties.isAlphabetic else { continue }
            let text = "x\(scalar)y \(scalar)"
            #expect(TextFolding.tokens(text) == TextFolding.tokens(TextFolding.fold(text)), "U+\(String(value, radix: 16))")
            letters += 1
        }
        #expect(letters > 400, "only \(letters) letters were compared")
        #expect(TextFolding.tokens("Hội nghị ĐỐI NGOẠI Lạng Sơn năm 2021") == ["hoi", "nghi", "doi", "ngoai", "lang", "son", "nam", "2021"])
    }

    /// The rule `forEachWord` implements on bytes, restated on scalars: ASCII letters and digits,
    /// lower-cased; combining marks of decomposed input dropped; precomposed Latin letters and other
    /// letters and digits folded as `fold` folds them; anything else ends a word.
    static func referenceWords(_ text: String) -> [String] {
        var words: [String] = [], word = ""
        func finish() {
            if !word.isEmpty && !words.contains(word) { words.append(word) }
            word = ""
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                if scalar.properties.isAlphabetic || (0x30...0x39).contains(value) { word += String(scalar).lowercased() } else { finish() }
            } else if (0x0300...0x036F).contains(value) {
                continue
            } else if (0x00C0...0x024F).contains(value) || (0x1E00...0x1EFF).contains(value) || scalar.properties.isAlphabetic
                        || scalar.properties.numericType != nil {
                word += TextFolding.fold(String(scalar))
            } else {
                finish()
            }
        }
        finish()
        return words
    }

    @Test("words read from UTF-8 bytes are the words the rule gives on scalars, in every script and at any length")
    func bytesAgreeWithScalars() {
        var samples = ["", "Hội nghị ĐỐI NGOẠI", "Lie\u{0302}\u{0300}u CHANG", "1.108.742 USD, 150.000 liều", "Ελλάδα Россия 日本語 ١٢٣ 😀x",
                       String(repeating: "Đường", count: 120), "a\u{0301}\u{0301}b × ÷ ǅ ß ẞ İ"]
        for value in Array(0..<0x2100) + Array(0x3040..<0x3100) + [0x1F600, 0x10400, 0x1D7CE] {
            guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
            samples.append("x\(scalar)y \(scalar)")
        }
        var compared = 0
        for text in samples {
            #expect(TextFolding.tokens(text) == Self.referenceWords(text), "\(text.unicodeScalars.prefix(6).map { String($0.value, radix: 16) })")
            compared += 1
        }
        #expect(compared > 8_000)
    }
}
