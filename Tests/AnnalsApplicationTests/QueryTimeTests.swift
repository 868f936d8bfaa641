import AnnalsApplication
import AnnalsCore
import Testing

@Suite("Times given to queries")
struct QueryTimeTests {
    /// 2022-02-01T03:00:00Z in microseconds.
    static let base: Int64 = 1_643_684_400 * 1_000_000

    @Test("a time names its whole unit: the first microsecond of it, or with end the last", arguments: [
        ("2022-02-01T03:00:00Z", 0, 999_999),
        ("2022-02-01T10:00:00+07:00", 0, 999_999),
        ("2022-02-01T03:00Z", 0, 59_999_999),
        ("2022-02-01T03:00:00.5Z", 500_000, 599_999),
        ("2022-02-01T03:00:00.123456Z", 123_456, 123_456),
        ("2022-02-01T10:00:00.25+07:00", 250_000, 259_999),
    ] as [(String, Int64, Int64)])
    func units(_ text: String, _ first: Int64, _ last: Int64) throws {
        #expect(try #require(QueryTime.moment(text)).microsecondsSinceEpoch == Self.base + first)
        #expect(try #require(QueryTime.moment(text, end: true)).microsecondsSinceEpoch == Self.base + last)
    }

    @Test("what is not such a time is refused", arguments: [
        "hôm qua", "2022", "2022-02", "2022-02-01T03:00:00.Z", "2022-02-01T03:00:00.1234567Z", "2022-02-01T03:00.5Z", "2022-02-01.5",
    ])
    func refused(_ text: String) {
        #expect(QueryTime.moment(text) == nil)
    }

    @Test("a recorded time as the JSON output prints it reads back as itself")
    func recordedTimesRoundTrip() throws {
        let recorded = Timestamp(microsecondsSinceEpoch: Self.base + 375_559)
        #expect(QueryTime.moment(recorded.description, end: true) == recorded)
    }
}
