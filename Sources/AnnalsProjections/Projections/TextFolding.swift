import Foundation

/// Folds text for search: lower case, Vietnamese diacritics removed (đ and Đ become d), split into
/// words of letters and digits. "Hội nghị … ngoại giao" and "hoi nghi ngoai giao" fold alike.
public enum TextFolding {
    public static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.lowercased().unicodeScalars {
            switch scalar.value {
            case 0x0300...0x036F: continue  // combining marks: the diacritics
            case 0x0111, 0x0110: out.append("d")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// The distinct folded words of `text`, in order of first appearance.
    public static func tokens(_ text: String) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for word in fold(text).split(whereSeparator: { !($0.isLetter || $0.isNumber) }) where seen.insert(String(word)).inserted {
            result.append(String(word))
        }
        return result
    }
}
