import AnnalsRecords
import Testing

@Suite("Field paths and dates as written")
struct ParsingTests {
    @Test("field paths read the same on the byte path and the character path, and bad ones are refused", arguments: [
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
}
