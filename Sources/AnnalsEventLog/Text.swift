import Foundation

/// Unicode checks shared by every text field the log stores.
enum Text {
    /// The text in NFC. Text whose scalars all lie below U+0300 is NFC already (every such scalar
    /// has the NFC quick-check property Yes), so the common ASCII and Latin-1 case skips
    /// Foundation's normaliser.
    static func nfc(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value < 0x300 }) { return text }
        return text.precomposedStringWithCanonicalMapping
    }

    /// True when the text holds a control character (C0, DEL or C1).
    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            scalar.value < 0x20 || (scalar.value >= 0x7f && scalar.value < 0xa0)
        }
    }
}
