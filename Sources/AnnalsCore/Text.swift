import Foundation

/// Unicode checks shared by every text field the log stores.
enum Text {
    /// True when every scalar is one that NFC leaves alone wherever it stands: its NFC quick-check
    /// property is Yes, its combining class 0, and nothing composes with it as a second
    /// character. That holds for everything below U+0300, the precomposed Latin letters of
    /// Latin-1 Supplement to Latin Extended-B (U+00C0–U+024F) and of Latin Extended Additional
    /// (U+1E00–U+1EFF, the Vietnamese letters), general punctuation from U+2010 and currency
    /// signs (U+2010–U+20CF). A text made only of these is NFC; anything else goes through the
    /// full normaliser.
    /// Read on the UTF-8 bytes (every event's type, actor and reason pass here): below U+0300 is
    /// ASCII or a two-byte sequence led by C2–CB; U+1E00–U+1EFF is E1 B8–BB xx; U+2010–U+20CF is
    /// E2 80 90 to E2 83 8F.
    static func isPlainlyNFC(_ text: String) -> Bool {
        var text = text  // `withUTF8` makes the bytes contiguous first if they are not (a native string's are)
        return text.withUTF8(isPlainlyNFC(utf8:))
    }

    /// `isPlainlyNFC` of valid UTF-8. Runs of ASCII, most of any text, are passed over eight bytes
    /// at a time.
    private static func isPlainlyNFC(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base), count = bytes.count
        var index = 0
        while true {
            while index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            guard index < count else { return true }
            switch base[index] {
            case 0..<0x80:
                index += 1
            case 0xC2...0xCB:
                index += 2
            case 0xE1:
                guard index + 1 < count, (0xB8...0xBB).contains(base[index + 1]) else { return false }
                index += 3
            case 0xE2:
                guard index + 2 < count else { return false }
                let second = base[index + 1], third = base[index + 2]
                guard (0x80...0x83).contains(second), second != 0x80 || third >= 0x90, second != 0x83 || third <= 0x8F else { return false }
                index += 3
            default:
                return false
            }
        }
    }

    /// True when the text holds a control character (C0, DEL or C1: U+0080–U+009F is C2 80–9F).
    static func hasControlCharacter(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte < 0xA0 && byte >= 0x80) { return true }
            previous = byte
        }
        return false
    }
}

extension String {
    /// This text in Unicode NFC. Vietnamese text, which is NFC already nearly always, is checked
    /// scalar by scalar and returned as is; only other text pays for Foundation's normaliser.
    public var nfc: String { Text.isPlainlyNFC(self) ? self : precomposedStringWithCanonicalMapping }
}

extension String {
    /// The text of `bytes` when they are valid UTF-8, else nil: what `String(validating:as:)`
    /// answers, without its unspecialised generic path (it looked up type metadata on every call,
    /// a tenth of a rebuild's instructions). Decoding repairs invalid UTF-8, so the decoded text has
    /// exactly the input's bytes when, and only when, the input was valid.
    package init?(validUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        var text = String(decoding: bytes, as: UTF8.self)
        let same = text.withUTF8 { decoded in
            decoded.count == bytes.count && (bytes.isEmpty || memcmp(decoded.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        }
        guard same else { return nil }
        self = text
    }

    /// `init(validUTF8:)` of a slice of a byte array.
    package init?(validUTF8 bytes: ArraySlice<UInt8>) {
        guard let text = bytes.withUnsafeBufferPointer({ String(validUTF8: $0) }) else { return nil }
        self = text
    }
}
