public import AnnalsCore
public import Foundation

/// The two kinds of record Annals keeps.
public enum RecordType: String, Sendable, Codable, CaseIterable {
    case article
    case diplomacyEvent

    /// The id prefix and stream prefix: `article/…`, `event/…`.
    public var idPrefix: String { self == .article ? "article/" : "event/" }
    /// The prefix of its event type names: `ArticleCorrected`, `DiplomacyEventCorrected`.
    public var eventTypePrefix: String { self == .article ? "Article" : "DiplomacyEvent" }
    /// For messages: "an article", "a diplomacy event".
    public var phrase: String { self == .article ? "an article" : "a diplomacy event" }

    /// The word people give for a type, on the command line and in the API: `article`, `event`.
    public var word: String { self == .article ? "article" : "event" }

    /// The type people name with `word` (`article`, `event`); nil for any other text.
    public init?(word: String) {
        guard let type = Self.allCases.first(where: { $0.word == word }) else { return nil }
        self = type
    }
}

/// A record's id, which is also its stream's id: `article/baolangson.vn/476767`,
/// `event/lang-son-ngo-aid-2021`.
public struct RecordID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public let type: RecordType

    /// Validates an id: a known prefix, then 1 to 200 characters of lower-case letters, digits and
    /// `. _ - /` (no empty, `.` or `..` segment: ids appear in paths and URLs).
    public init(_ text: String) throws {
        // Checked on the bytes: every event a rebuild reads has its id checked again.
        if let type = Self.typeOfValid(text) {
            rawValue = text
            self.type = type
            return
        }
        // Invalid: say which part is wrong.
        guard let type = RecordType.allCases.first(where: { text.hasPrefix($0.idPrefix) }) else {
            throw RecordError.invalidField(field: "id", value: text, fix: "ids start with article/ or event/, as in article/baolangson.vn/476767")
        }
        throw RecordError.invalidField(field: "id", value: text,
                                       fix: "after \(type.idPrefix) use lower-case letters, digits, '.', '_', '-' and '/' (no empty, '.' or '..' segment)")
    }

    /// The type of `text` when it is a valid id (the rules `init` states, read on its UTF-8 bytes:
    /// every allowed character is ASCII), else nil.
    private static func typeOfValid(_ text: String) -> RecordType? {
        var text = text
        return text.withUTF8 { bytes -> RecordType? in
            let type: RecordType
            if bytes.starts(with: "article/".utf8) { type = .article } else if bytes.starts(with: "event/".utf8) { type = .diplomacyEvent } else { return nil }
            let rest = UnsafeBufferPointer(rebasing: bytes[type.idPrefix.utf8.count...])
            guard (1...200).contains(rest.count) else { return nil }
            var segmentStart = 0
            for index in 0...rest.count {
                if index == rest.count || rest[index] == UInt8(ascii: "/") {
                    // A segment may not be empty, `.` or `..`.
                    let length = index - segmentStart
                    guard length > 0, length > 2 || rest[segmentStart..<index].contains(where: { $0 != UInt8(ascii: ".") }) else { return nil }
                    segmentStart = index + 1
                } else {
                    let byte = rest[index]
                    guard byte &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                            || byte == UInt8(ascii: "-") else { return nil }
                }
            }
            return type
        }
    }

    /// The id of the article at `url`, scoped by its site: `article/<host>/<number>`, where the number
    /// is the longest run of at least 3 digits in the URL's last path segment (`476767-slug-2022`,
    /// `slug-20201001163534963`), or a short hash of the URL when the segment has none.
    public static func article(url: String) throws -> RecordID {
        let link = try ArticleURL(url)
        return try RecordID("article/\(link.source)/\(link.number)")
    }

    public var streamID: StreamID {
        get throws { try StreamID(rawValue) }
    }

    public var description: String { rawValue }

    public static func < (a: RecordID, b: RecordID) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: any Decoder) throws {
        self = try withCodingPath(decoder) { try Self(try decoder.singleValueContainer().decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// What an article's URL tells: its site, its number, its category slug.
public struct ArticleURL: Sendable {
    public let url: URL
    /// The host without `www.`: `baolangson.vn`.
    public let source: String
    /// The article number: `476767`.
    public let number: String
    /// The first path segment when it is a slug and not the page itself: `kinh-te`.
    public let category: String?

    public init(_ text: String) throws {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host?.lowercased(), host.contains("."), !text.contains(" ") else {
            throw RecordError.invalidField(field: "url", value: text, fix: "give an absolute http(s) URL such as https://baolangson.vn/kinh-te/476767-….html")
        }
        self.url = url
        self.source = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        let segments = Self.pieces(url.path, "/")
        let last = segments.last.map { Self.pieces($0, ".").first ?? $0 } ?? ""
        // Sites put the number first (baolangson: 476767-slug-2022) or last (dantri:
        // slug-20201001163534963): it is the longest run of digits, the first of equals.
        if let run = Self.longestDigitRun(last), run.count >= 3 {
            self.number = run
        } else {
            self.number = "u" + String(Self.stableHash(text), radix: 16)
        }
        if segments.count >= 2, let first = segments.first,
           first.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) {
            self.category = first
        } else {
            self.category = nil
        }
    }

    /// `text` split at `separator`, empty pieces left out, as `split(separator:)` gives them: ASCII
    /// text byte by byte (each byte is a character), other text by characters.
    static func pieces(_ text: String, _ separator: Character) -> [String] {
        guard let byte = separator.asciiValue, text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.split(separator: separator).map(String.init) }
        return text.utf8.split(separator: byte).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The longest run of ASCII digits in `segment` (the first of equally long ones), nil for none.
    /// An ASCII segment (a URL's path, percent-encoded, nearly always is) is read byte by byte,
    /// where each byte is one character; any other by characters, so that a digit a combining mark
    /// joins into one character does not count (the rule people read the page's address by).
    static func longestDigitRun(_ segment: String) -> String? {
        guard segment.utf8.allSatisfy({ $0 < 0x80 }) else {
            let runs = segment.split(whereSeparator: { !$0.isASCII || !$0.isNumber })
            return runs.max(by: { $0.count < $1.count || ($0.count == $1.count && $0.startIndex > $1.startIndex) }).map(String.init)
        }
        var best: Range<Int>?, start: Int?
        let bytes = Array(segment.utf8)
        for index in 0...bytes.count {
            let isDigit = index < bytes.count && bytes[index] &- 0x30 < 10
            if isDigit {
                if start == nil { start = index }
            } else if let first = start {
                if index - first > (best?.count ?? 0) { best = first..<index }
                start = nil
            }
        }
        return best.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// FNV-1a over the URL's bytes: stable across runs and machines.
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
