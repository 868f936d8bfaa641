import AnnalsTesting
import Testing
@testable import AnnalsRecords

/// An article's number is read from its address the same way whatever path reads it.
@Suite("Article numbers from addresses")
struct ArticleURLTests {
    /// The rule as people read it: runs of characters that are ASCII digits, the longest, the first of equals.
    static func reference(_ segment: String) -> String? {
        let runs = segment.split(whereSeparator: { !$0.isASCII || !$0.isNumber })
        return runs.max(by: { $0.count < $1.count || ($0.count == $1.count && $0.startIndex > $1.startIndex) }).map(String.init)
    }

    @Test("the byte-wise reading of ASCII paths (pieces and digit runs) gives the character-wise reading, over 5,000 random segments and the corpora's shapes")
    func digitRuns() throws {
        var generator = SeededGenerator(state: 0xD161)
        let pieces = ["0", "1", "9", "12", "476767", "-", "a", "z", "-tin-", ".", "_", "%C3%A1", "2020", "x9"]
        var compared = 0
        for _ in 0..<5_000 {
            let count = Int.random(in: 0..<12, using: &generator)
            let segment = (0..<count).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &generator)] }.joined()
            #expect(ArticleURL.longestDigitRun(segment) == Self.reference(segment), "\(segment)")
            let path = segment.replacingOccurrences(of: "-", with: "/")
            #expect(ArticleURL.pieces(path, "/") == path.split(separator: "/").map(String.init), "\(path)")
            #expect(ArticleURL.pieces(segment, ".") == segment.split(separator: ".").map(String.init), "\(segment)")
            compared += 1
        }
        #expect(compared == 5_000)
        // A digit joined by a combining mark is not a digit character: the non-ASCII path keeps that.
        for segment in ["12\u{0301}345", "bão-lũ-2020", "1\u{0301}", "ngày-12-3-năm-2021", "a/\u{0301}b//c", "//x.y..z."] {
            #expect(ArticleURL.longestDigitRun(segment) == Self.reference(segment), "\(segment)")
            #expect(ArticleURL.pieces(segment, "/") == segment.split(separator: "/").map(String.init), "\(segment)")
            #expect(ArticleURL.pieces(segment, ".") == segment.split(separator: ".").map(String.init), "\(segment)")
        }
        #expect(try ArticleURL("https://dantri.com.vn/xa-hoi/mua-lu-20201001163534963.htm").number == "20201001163534963")
        #expect(try ArticleURL("https://baolangson.vn/kinh-te/476767-hoi-nghi-2022.html").number == "476767")
        #expect(try ArticleURL("https://example.vn/tin/ab-12.html").number.hasPrefix("u"))
    }
}
