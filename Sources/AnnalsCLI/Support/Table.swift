import Foundation

/// Aligned columns for people, measured by display width so Vietnamese (and wide CJK) text lines up.
struct Table {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header }

    /// Adds a row; every cell is shown through `shown`, so stored text cannot forge lines.
    mutating func add(_ row: [String]) { rows.append(row.map(shown)) }

    /// The table's lines; a header of empty strings is left out.
    func render() -> String {
        let all = (header.allSatisfy(\.isEmpty) ? [] : [header]) + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(cell)) } }
        return all.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - displayWidth(cell))
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// Terminal columns a text takes: one per character, two for East Asian wide characters, none
/// for combining marks (NFC text has few) and zero-width characters.
func displayWidth(_ text: String) -> Int {
    text.reduce(0) { width, character in
        guard let scalar = character.unicodeScalars.first else { return width }
        let v = scalar.value
        if v == 0x200B || v == 0x200D || (0x0300...0x036F).contains(v) { return width }
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
        return width + (wide ? 2 : 1)
    }
}

/// Text as a terminal should show it: control characters (C0, DEL, C1), the line and paragraph
/// separators (U+2028, U+2029) and the bidirectional controls written as escapes (`\n`, `\t`, `\u{1B}`), so text from the store can never start a
/// new line, move the cursor, colour the screen or reorder what follows: a reason cannot draw a
/// fake audit line. JSON output escapes them by itself.
func shown(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case _ where needsEscape(scalar): out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

private func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
        || v == 0x200E || v == 0x200F || v == 0x061C || v == 0x2028 || v == 0x2029
}

/// Shortens `text` to at most `width` columns with an ellipsis (control characters escaped).
func clip(_ text: String, _ width: Int) -> String {
    let flat = shown(text)
    guard displayWidth(flat) > width else { return flat }
    var out = ""
    for character in flat {
        if displayWidth(out + String(character)) >= width { break }
        out.append(character)
    }
    return out + "…"
}

/// Several lines for a terminal: each line `shown`, the line breaks between them kept. Every text
/// the CLI writes for a person (results, warnings, errors) goes through this, so nothing read from
/// a store, a file or an argument can break a line or steer the terminal.
func terminalText(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { shown(String($0)) }.joined(separator: "\n")
}

/// Writes `text` and a line break to stderr, as `terminalText`.
func warn(_ text: String) {
    Console.current.error(terminalText(text) + "\n")
}
