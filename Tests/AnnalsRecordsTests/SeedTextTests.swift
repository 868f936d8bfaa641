import AnnalsCore
import AnnalsRecords
import AnnalsTesting
import Foundation
import Testing

@Suite("The seed's plain-text article format")
struct SeedTextTests {
    @Test("the seed article's every field is extracted exactly",
          .enabled(if: RepositoryFiles.sharedAvailable, Comment(rawValue: RepositoryFiles.sharedMissingReason)))
    func seedFields() throws {
        let text = try String(contentsOfFile: seedPath, encoding: .utf8)
        let item = SeedTextParser.parse(text, file: "seed.txt")
        guard case .success(.article(let a)) = item.result else {
            Issue.record("the seed did not parse: \(item.result)")
            return
        }
        #expect(a.id.rawValue == "article/baolangson.vn/476767")
        #expect(a.source == "baolangson.vn")
        #expect(a.category == "kinh-te")
        #expect(a.url == "https://baolangson.vn/kinh-te/476767-hoi-nghi-truc-tuyen-trien-khai-cong-tac-ngoai-giao-kinh-te-nam-2022.html")
        #expect(a.title == "Hội nghị trực tuyến triển khai công tác ngoại giao kinh tế năm 2022")
        #expect(a.publishedAt.description == "2022-01-22T08:58:32+07:00")
        #expect(a.viewCount == ViewCount(count: 258))
        #expect(a.authors == ["LIỄU CHANG"])
        #expect(a.keywords.isEmpty)
        #expect(a.language == "vi")
        // Every non-empty line between the view count and the byline, kept whole and in order.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let start = try #require(lines.firstIndex { $0.hasSuffix("lượt xem") }) + 1
        let end = try #require(lines.lastIndex { $0.hasSuffix("/baolangson.vn") })
        let expected = lines[start..<end].filter { !$0.isEmpty }
        #expect(a.paragraphs == expected)
        #expect(a.paragraphs.count == 13)
        #expect(a.paragraphs.first?.hasPrefix("Chiều ngày 21/1, tại Hà Nội") == true)
        #expect(a.paragraphs.contains { $0.contains("1.108.742 USD tăng 992.829 USD") })
    }

    @Test("the project's demo article parses with the seed's facts")
    func demoArticle() throws {
        let item = SeedTextParser.parse(try String(contentsOfFile: demoArticlePath, encoding: .utf8), file: "demo-article.txt")
        guard case .success(.article(let a)) = item.result else {
            Issue.record("the demo article did not parse: \(item.result)")
            return
        }
        #expect(a.id.rawValue == seedArticleID)
        #expect(a.publishedAt.description == "2022-01-22T08:58:32+07:00")
        #expect(a.viewCount?.count == 258)
        #expect(a.paragraphs.count == 4)
    }

    func failure(_ text: String) -> String {
        if case .failure(let error) = SeedTextParser.parse(text, file: "bad.txt").result { return error.description }
        return "(parsed)"
    }

    func sample(date: String = "Thứ 7, 22.01.2022 | 08:58:32", views: String = "258 lượt xem", byline: String = "AN BÌNH/baolangson.vn",
                url: String = "https://baolangson.vn/kinh-te/476767-x.html") -> String {
        "Tiêu đề\n\n\(date)\n\(views)\n\nĐoạn một.\n\nĐoạn hai.\n\n\(byline)\n\n\(url)\n\n  • Từ khóa\n"
    }

    @Test("a weekday that disagrees with the date is rejected with its line")
    func weekdayMismatch() {
        let message = failure(sample(date: "Thứ 6, 22.01.2022 | 08:58:32"))
        #expect(message.contains("date line (line 3)"))
        #expect(message.contains("is a Thứ 7, not a Thứ 6"))
        #expect(failure(sample(date: "Chủ nhật, 23.01.2022 | 10:00:00")) == "(parsed)")
    }

    @Test("malformed parts are rejected, each naming its line and field")
    func malformed() {
        #expect(failure(sample(date: "22.01.2022 08:58")).contains("date line (line 3)"))
        #expect(failure(sample(date: "Thứ 2, 31.02.2022 | 08:58:32")).contains("(line 3)"))
        #expect(failure(sample(views: "nhiều lượt xem")).contains("view count (line 4)"))
        #expect(failure(sample(byline: "AN BÌNH")).contains("byline (line 10)"))
        #expect(failure(sample(byline: "AN BÌNH/dantri.com.vn")).contains("differs from the URL's baolangson.vn"))
        #expect(failure(sample(url: "baolangson.vn/kinh-te/1.html")).contains("url"))
        #expect(failure("").contains("title"))
    }

    @Test("Vietnamese number forms are read exactly")
    func vietnameseNumbers() throws {
        #expect(try ExactDecimal.vietnamese("150.000").description == "150000")
        #expect(try ExactDecimal.vietnamese("1.108.742").description == "1108742")
        #expect(try ExactDecimal.vietnamese("1.108.742,5").description == "1108742.5")
        #expect(throws: RecordError.self) { _ = try ExactDecimal.vietnamese("1.10.742") }
        let sum = try ExactDecimal("1108742") - ExactDecimal("992829")
        #expect(sum.description == "115913")
        let exact = try ExactDecimal("0.1") + ExactDecimal("0.2")
        #expect(exact == (try ExactDecimal("0.3")))
    }
}
