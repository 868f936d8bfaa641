import Foundation

/// The name of one stream in the log, such as `article/baolangson.vn/476767`.
///
/// Guarantees: non-empty, at most 256 bytes of UTF-8, no control characters, and in Unicode
/// NFC (the initializer normalises, so a name typed in NFD finds the same stream).
public struct StreamID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The NFC-normalised name.
    public let rawValue: String

    /// The most UTF-8 bytes a stream id may have.
    public static let maxByteCount = 256

    public init(_ text: String) throws {
        let normalized = text.nfc
        guard !normalized.isEmpty else {
            throw EventLogError.invalidInput(field: "stream id", value: text, fix: "give a non-empty stream id such as article/baolangson.vn/476767")
        }
        guard normalized.utf8.count <= Self.maxByteCount else {
            throw EventLogError.invalidInput(field: "stream id", value: String(text.prefix(40)) + "…",
                                             fix: "stream ids are at most \(Self.maxByteCount) bytes of UTF-8")
        }
        if Text.hasControlCharacter(normalized) {
            throw EventLogError.invalidInput(field: "stream id", value: text.debugDescription, fix: "remove control characters (tabs, newlines, NUL)")
        }
        self.rawValue = normalized
    }

    /// A stream id read back from the store, where it was validated when written.
    package init(trusted rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static func < (lhs: StreamID, rhs: StreamID) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }
}
