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
}
