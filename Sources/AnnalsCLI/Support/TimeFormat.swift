import AnnalsApplication
import AnnalsCore
import AnnalsRecords
import Foundation

/// Parsing the times users type and printing the times the store keeps.
enum TimeFormat {
    /// A zone's offset in seconds at `moment`: `UTC`, `Z`, `+07:00`, or an IANA name.
    static func zone(_ text: String, at moment: Date = Date()) throws -> Int {
        if text == "UTC" || text == "Z" { return 0 }
        if let date = try? RecordDate("2000-01-01T00:00\(text)"), let offset = date.offsetSeconds { return offset }
        if let zone = TimeZone(identifier: text) { return zone.secondsFromGMT(for: moment) }
        throw CLIError("unknown time zone \"\(text)\": use UTC, an offset such as +07:00, or a name such as Asia/Ho_Chi_Minh", code: .usage)
    }

    /// A moment from `2022-02-01T10:00:00+07:00`, `2022-02-01T03:00Z`, or a day `2022-02-01` (in
    /// `zone` when it has no offset). A time names its whole unit: with `end`, the moment is the last
    /// microsecond of that day, minute or second ("as of 2022-02-01" includes all of that day);
    /// without, the first. The option's name goes into the error.
    static func moment(_ text: String, option: String, zone: String?, end: Bool = false) throws -> Timestamp {
        let offset = try zone.map { try Self.zone($0) } ?? 0
        guard let moment = QueryTime.moment(text, zoneOffset: offset, end: end) else {
            throw CLIError(QueryTime.problem(text, option: option), code: .usage)
        }
        return moment
    }

    /// ISO 8601 in the display zone, to the second: `2022-01-22T08:58:32+07:00`.
    static func show(_ time: Timestamp, zone: String?) -> String {
        let offset = (try? zone.map { try Self.zone($0, at: time.date) } ?? 0) ?? 0
        let full = time.iso8601(offsetSeconds: offset)
        // Drop the microseconds for people; the JSON output keeps them.
        guard let dot = full.firstIndex(of: ".") else { return full }
        let zonePart = full[full.index(dot, offsetBy: 7)...]
        return String(full[..<dot]) + zonePart
    }
}
