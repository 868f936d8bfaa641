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
    static func isPlainlyNFC(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            let v = scalar.value
            return v < 0x300 || (0x1E00...0x1EFF).contains(v) || (0x2010...0x20CF).contains(v)
        }
    }

    /// True when the text holds a control character (C0, DEL or C1).
    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            scalar.value < 0x20 || (scalar.value >= 0x7f && scalar.value < 0xa0)
        }
    }
}

extension String {
    /// This text in Unicode NFC. Vietnamese text, which is NFC already nearly always, is checked
    /// scalar by scalar and returned as is; only other text pays for Foundation's normaliser.
    public var nfc: String { Text.isPlainlyNFC(self) ? self : precomposedStringWithCanonicalMapping }
}
