public import AnnalsCore
import AnnalsRecords

/// Times given to queries (as-of, since, until, effective), read the same way by the command line
/// and the server.
public enum QueryTime {
    /// A moment from `2022-02-01T10:00:00+07:00`, `2022-02-01T03:00Z`, or a day `2022-02-01` (at
    /// `zoneOffset` seconds from UTC when it has no offset). A time names its whole unit: with
    /// `end`, the moment is the last microsecond of that day, minute or second ("as of 2022-02-01"
    /// includes all of that day); without, the first. Nil when the text is not such a time.
    public static func moment(_ text: String, zoneOffset: Int = 0, end: Bool = false) -> Timestamp? {
        guard let date = try? RecordDate(text), date.precision >= .day else { return nil }
        var seconds = date.epochSeconds
        if date.offsetSeconds == nil { seconds -= Int64(zoneOffset) }
        let unit: Int64 = date.precision == .day ? 86_400 : date.precision == .minute ? 60 : 1
        return Timestamp(microsecondsSinceEpoch: seconds * 1_000_000 + (end ? unit * 1_000_000 - 1 : 0))
    }

    /// What a bad time is told, naming where it was given.
    public static func problem(_ text: String, option: String) -> String {
        "\(option) \"\(text)\" is not a time: give 2022-02-01, 2022-02-01T10:00:00+07:00 or 2022-02-01T03:00:00Z"
    }
}
