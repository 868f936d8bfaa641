import Foundation

extension PostgresSchema {
    /// The statements of a migration file: split after each line that ends with a semicolon,
    /// comment lines dropped.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = [], current: [Substring] = []
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("--") { continue }
            current.append(line)
            if line.trimmingCharacters(in: .whitespaces).hasSuffix(";") {
                statements.append(current.joined(separator: "\n"))
                current = []
            }
        }
        let rest = current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }
}
