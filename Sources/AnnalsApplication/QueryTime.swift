public import AnnalsCore
import AnnalsRecords

/// Times given to queries (as-of, since, until, effective), read the same way by the command line
/// and the server.
public enum QueryTime {
    /// A moment from `2022-02-01T10:00:00+07:00`, `2022-02-01T03:00Z`, or a day `2022-02-01` (at
    /// `zoneOffset` seconds from UTC when it has no offset); the seconds may carry a fraction of up
    /// to six digits (`2022-02-01T03:00:00.123456Z`, as `--json` and the API print recorded
    /// times). A time names its whole unit: with `end`, the moment is the last microsecond of
    /// that day, minute, second or fraction ("as of 2022-02-01" includes all of that day); without,
    /// the first. Nil when the text is not such a time.
    public static func moment(_ text: String, zoneOffset: Int = 0, end: Bool = false) -> Timestamp? {
        guard let (whole, fraction) = splitFraction(text), let date = try? RecordDate(whole), date.precision >= .day,
              fraction == nil || date.precision == .second else { return nil }
        var seconds = date.epochSeconds
        if date.offsetSeconds == nil { seconds -= Int64(zoneOffset) }
        if let fraction {
            return Timestamp(microsecondsSinceEpoch: seconds * 1_000_000 + fraction.microseconds + (end ? fraction.unit - 1 : 0))
        }
        let unit: Int64 = date.precision == .day ? 86_400 : date.precision == .minute ? 60 : 1
        return Timestamp(microsecondsSinceEpoch: seconds * 1_000_000 + (end ? unit * 1_000_000 - 1 : 0))
    }

    /// The text without a fraction of a second after its seconds, and that fraction in
    /// microseconds with the microseconds its last digit stands for (`.5`: 500,000 and 100,000).
    /// Nil when a fraction has no digit or more than six.
    private static func splitFraction(_ text: String) -> (String, (microseconds: Int64, unit: Int64)?)? {
        let characters = Array(text)
        // A fraction follows "hh:mm:ss": a dot after two digits after a colon.
        guard let dot = characters.firstIndex(of: "."), dot >= 3, characters[dot - 3] == ":",
              characters[dot - 2].isASCII, characters[dot - 2].isNumber, characters[dot - 1].isASCII, characters[dot - 1].isNumber else {
            return (text, nil)
        }
        var end = dot + 1
        while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
        let digits = characters[(dot + 1)..<end]
        guard (1...6).contains(digits.count), let value = Int64(String(digits)) else { return nil }
        var unit: Int64 = 1
        for _ in digits.count..<6 { unit *= 10 }
        return (String(characters[..<dot] + characters[end...]), (value * unit, unit))
    }

    /// What a bad time is told, naming where it was given.
    public static func problem(_ text: String, option: String) -> String {
        "\(option) \"\(text)\" is not a time: give 2022-02-01, 2022-02-01T10:00:00+07:00 or 2022-02-01T03:00:00.25Z"
    }
}
