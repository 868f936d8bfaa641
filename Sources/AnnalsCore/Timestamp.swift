public import Foundation

/// A moment in UTC with microsecond precision, stored exactly as an integer.
public struct Timestamp: Comparable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public let microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    public init(_ date: Date) {
        self.microsecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The system clock now.
    public static func now() -> Timestamp { Timestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(microsecondsSinceEpoch) / 1_000_000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    /// ISO 8601 in UTC with microseconds, for example `2022-01-22T01:58:32.000000Z`.
    public var description: String { iso8601(offsetSeconds: 0) }

    /// ISO 8601 in the given fixed offset from UTC, with microseconds.
    public func iso8601(offsetSeconds: Int) -> String {
        let micros = microsecondsSinceEpoch + Int64(offsetSeconds) * 1_000_000
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 { fraction += 1_000_000; seconds -= 1 }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        let zone: String
        if offsetSeconds == 0 {
            zone = "Z"
        } else {
            let sign = offsetSeconds < 0 ? "-" : "+"
            let magnitude = abs(offsetSeconds)
            zone = sign + pad(magnitude / 3600, 2) + ":" + pad(magnitude % 3600 / 60, 2)
        }
        return "\(pad(Int(year), 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(Int(secondOfDay / 3600), 2)):\(pad(Int(secondOfDay % 3600 / 60), 2)):\(pad(Int(secondOfDay % 60), 2)).\(pad(Int(fraction), 6))\(zone)"
    }

    /// The year in UTC, computed without formatting the moment.
    public var yearUTC: Int64 {
        // Floor division without an intermediate that could overflow near Int64.min.
        var seconds = microsecondsSinceEpoch / 1_000_000
        if microsecondsSinceEpoch % 1_000_000 < 0 { seconds -= 1 }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return Self.civil(fromDays: days).0
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    static func civil(fromDays z0: Int64) -> (Int64, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, Int(m), Int(d))
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}
