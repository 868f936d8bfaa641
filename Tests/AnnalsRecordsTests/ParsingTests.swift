import AnnalsRecords
import AnnalsTesting
import Testing

@Suite("Field paths and dates as written")
struct ParsingTests {
    @Test("field paths are read into their steps (plain ASCII ones byte by byte, others character by character)", arguments: [
        ("title", [FieldPath.Step.key("title")]),
        ("viewCount.count", [.key("viewCount"), .key("count")]),
        ("quantities[0].value", [.key("quantities"), .index(0), .key("value")]),
        ("a_1[12][3].b", [.key("a_1"), .index(12), .index(3), .key("b")]),
        ("list[007]", [.key("list"), .index(7)]),
        ("địaĐiểm", [.key("địaĐiểm")]),  // not ASCII: the character path
        ("list[+1]", [.key("list"), .index(1)]),  // a sign: the character path, as before
    ])
    func paths(_ text: String, _ steps: [FieldPath.Step]) throws {
        #expect(try FieldPath(text).steps == steps)
        #expect(try FieldPath(text).description == text)
    }

    @Test("malformed field paths are refused with the field named", arguments: [
        "", ".", "a.", ".a", "a..b", "a[", "a[]", "a[1", "a[x]", "a[-1]", "a[1]b", "a b", "a-b", "[0]", "a[99999999999999999999]",
    ])
    func badPaths(_ text: String) {
        #expect(throws: RecordError.self) { try FieldPath(text) }
    }

    @Test("dates read digit by digit keep their parts, and bad ones are refused")
    func dates() throws {
        let moment = try RecordDate("2022-01-21T08:30:05+07:00")
        #expect([moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second] == [2022, 1, 21, 8, 30, 5])
        #expect(moment.offsetSeconds == 7 * 3600 && moment.description == "2022-01-21T08:30:05+07:00")
        #expect(try RecordDate("2021").year == 2021 && RecordDate("2020-02-29").day == 29)
        for bad in ["202", "2021-2", "2021-13", "2021-02-29", "2021-01-01T24:00", "2021-01-01T08:30+15:00", "20x1", "2021-01-01X"] {
            #expect(throws: RecordError.self) { try RecordDate(bad) }
        }
    }

    /// The rule `RecordID.init` states, on scalars and characters: a known prefix, then 1 to 200
    /// characters, every scalar one of a-z, 0-9, `.`, `_`, `-` and `/`, in segments that are
    /// neither empty, `.` nor `..`.
    static func validID(_ text: String) -> Bool {
        guard let prefix = ["article/", "event/"].first(where: { text.hasPrefix($0) }) else { return false }
        let rest = text.dropFirst(prefix.count)
        return (1...200).contains(rest.count)
            && rest.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "._-/".unicodeScalars.contains($0) }
            && !rest.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    @Test("ids are accepted and refused as the rule says, whatever mix of allowed and other characters they hold")
    func ids() throws {
        let pieces = ["a", "z", "0", "9", ".", "..", "_", "-", "/", "A", "é", " ", "ệ", "\u{0301}", "%"]
        var generator = SeededGenerator(state: 42)
        var valid = 0, checked = 0
        func next(_ bound: Int) -> Int { Int.random(in: 0..<bound, using: &generator) }
        var samples = ["article/baolangson.vn/476767", "event/x", "article/", "event//a", "article/a/./b", "article/...", "Article/a",
                       "article/" + String(repeating: "a", count: 200), "article/" + String(repeating: "a", count: 201)]
        for _ in 0..<8_000 {
            samples.append(["article/", "event/", "events/", ""][next(4)] + (0..<next(9)).map { _ in pieces[next(pieces.count)] }.joined())
        }
        for text in samples {
            let accepted = (try? RecordID(text)) != nil
            #expect(accepted == Self.validID(text), "\(text)")
            if accepted { valid += 1; #expect(try RecordID(text).type == (text.hasPrefix("event/") ? .diplomacyEvent : .article)) }
            checked += 1
        }
        #expect(valid >= 200 && checked - valid >= 300, "\(valid) valid of \(checked)")
    }
}
