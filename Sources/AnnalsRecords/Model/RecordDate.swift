import Foundation

/// A date as precise as its source: a year ("năm 2021"), a month, a day, or a moment with its
/// UTC offset (`2022-01-22T08:58:32+07:00`). Encoded as that ISO 8601 text.
///
/// Guarantees: the calendar date is real (no 30 February), the time and offset are in range, and
/// the text round-trips exactly.
public struct RecordDate: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public enum Precision: String, Sendable, Codable, Comparable {
        case year, month, day, minute, second

        var rank: Int { [.year, .month, .day, .minute, .second].firstIndex(of: self) ?? 0 }
        public static func < (a: Precision, b: Precision) -> Bool { a.rank < b.rank }
    }

    public let year: Int
    public let month: Int?
    public let day: Int?
    public let hour: Int?
    public let minute: Int?
    public let second: Int?
    /// Offset from UTC in seconds, for moments. Nil for calendar dates and for local times
    /// given without an offset.
    public let offsetSeconds: Int?

    public var precision: Precision {
        if second != nil { return .second }
        if minute != nil { return .minute }
        if day != nil { return .day }
        if month != nil { return .month }
        return .year
    }

    public init(year: Int, month: Int? = nil, day: Int? = nil, hour: Int? = nil, minute: Int? = nil, second: Int? = nil,
                offsetSeconds: Int? = nil, text source: String? = nil) throws {
        let text = source ?? [year, month, day, hour, minute, second].compactMap { $0.map(String.init) }.joined(separator: "-")
        guard (1...9999).contains(year) else { throw Self.error(text, "years run from 1 to 9999") }
        if let month, !(1...12).contains(month) { throw Self.error(text, "months run from 1 to 12") }
        if let day {
            guard let month else { throw Self.error(text, "a day needs a month") }
            guard (1...Self.daysIn(month: month, year: year)).contains(day) else {
                throw Self.error(text, "\(year)-\(month) has \(Self.daysIn(month: month, year: year)) days")
            }
        }
        if hour != nil || minute != nil {
            guard day != nil, let hour, let minute, (0...23).contains(hour), (0...59).contains(minute) else {
                throw Self.error(text, "a time needs a day and an hour 00-23 and minute 00-59")
            }
        }
        if let second, !(0...59).contains(second) { throw Self.error(text, "seconds run from 00 to 59") }
        if let offsetSeconds, abs(offsetSeconds) > 14 * 3600 { throw Self.error(text, "UTC offsets lie within ±14:00") }
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.offsetSeconds = offsetSeconds
    }

    /// Parses `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]`.
    public init(_ text: String) throws {
        func fail(_ fix: String) -> RecordError { Self.error(text, fix) }
        let chars = Array(text.utf8)
        // Read digit by digit: a rebuild reads a date per record and per change.
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count else { return nil }
            var value = 0
            for index in range {
                let digit = chars[index] &- 0x30
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        func char(_ i: Int, _ c: Unicode.Scalar) -> Bool { i < chars.count && chars[i] == UInt8(ascii: c) }
        guard let year = number(0..<4) else { throw fail("write dates as YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+07:00") }
        if chars.count == 4 { try self.init(year: year, text: text); return }
        guard char(4, "-"), let month = number(5..<7) else { throw fail("write the month as YYYY-MM") }
        if chars.count == 7 { try self.init(year: year, month: month, text: text); return }
        guard char(7, "-"), let day = number(8..<10) else { throw fail("write the day as YYYY-MM-DD") }
        if chars.count == 10 { try self.init(year: year, month: month, day: day, text: text); return }
        guard char(10, "T") || char(10, " "), let hour = number(11..<13), char(13, ":"), let minute = number(14..<16) else {
            throw fail("write the time as THH:MM or THH:MM:SS")
        }
        var index = 16
        var second: Int?
        if char(16, ":") {
            guard let s = number(17..<19) else { throw fail("write seconds as :SS") }
            second = s
            index = 19
        }
        var offset: Int?
        if index < chars.count {
            if char(index, "Z") && index + 1 == chars.count {
                offset = 0
            } else if (char(index, "+") || char(index, "-")), index + 6 == chars.count, char(index + 3, ":"),
                      let h = number(index + 1..<index + 3), let m = number(index + 4..<index + 6) {
                offset = (h * 3600 + m * 60) * (char(index, "-") ? -1 : 1)
            } else {
                throw fail("end a time with Z or an offset such as +07:00")
            }
        }
        try self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second, offsetSeconds: offset, text: text)
    }

    public init(from decoder: any Decoder) throws {
        self = try withCodingPath(decoder) { try Self(try decoder.singleValueContainer().decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String {
        var text = pad(year, 4)
        if let month { text += "-" + pad(month, 2) }
        if let day { text += "-" + pad(day, 2) }
        if let hour, let minute { text += "T" + pad(hour, 2) + ":" + pad(minute, 2) }
        if let second { text += ":" + pad(second, 2) }
        if let offsetSeconds {
            if offsetSeconds == 0 { text += "Z" } else {
                let m = abs(offsetSeconds) / 60
                text += (offsetSeconds < 0 ? "-" : "+") + pad(m / 60, 2) + ":" + pad(m % 60, 2)
            }
        }
        return text
    }

    /// Seconds since 1970 of the start of this date (in its own offset, or UTC when it has none).
    public var epochSeconds: Int64 {
        let m = month ?? 1, d = day ?? 1
        let y = Int64(m <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((m + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = Int64((hour ?? 0) * 3600 + (minute ?? 0) * 60 + (second ?? 0))
        return days * 86_400 + seconds - Int64(offsetSeconds ?? 0)
    }

    /// The day of the week, 1 = Monday … 7 = Sunday, for dates with a day.
    public var weekday: Int? {
        guard day != nil else { return nil }
        let days = (epochSeconds + Int64(offsetSeconds ?? 0)) / 86_400
        return Int(((days % 7) + 7 + 3) % 7) + 1
    }

    public static func < (a: RecordDate, b: RecordDate) -> Bool {
        (a.epochSeconds, a.precision) < (b.epochSeconds, b.precision)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func error(_ text: String, _ fix: String) -> RecordError {
        .invalidField(field: "date", value: text, fix: fix)
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}
