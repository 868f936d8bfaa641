import Foundation

/// The CAMEO event codebook (GDELT's `CAMEO.eventcodes.txt`): code → description. Codes are text:
/// "010" and "10" differ.
public struct CAMEOCodebook: Sendable {
    public let descriptions: [String: String]

    public init(descriptions: [String: String]) { self.descriptions = descriptions }

    /// Loads the tab-separated codebook (header `CAMEOEVENTCODE	EVENTDESCRIPTION`).
    public static func load(path: String) throws -> CAMEOCodebook {
        var descriptions: [String: String] = [:]
        try TabularFile.rows(path: path, delimiter: "\t") { _, row in
            guard row.count >= 2, row[0] != "CAMEOEVENTCODE" else { return }
            descriptions[row[0].trimmingCharacters(in: .whitespaces)] = row[1].trimmingCharacters(in: .whitespaces)
        }
        guard !descriptions.isEmpty else {
            throw RecordError.invalidField(field: "codebook", value: path, fix: "give GDELT's CAMEO.eventcodes.txt")
        }
        return CAMEOCodebook(descriptions: descriptions)
    }

    /// The description of a code, falling back to its base and root codes.
    public func describe(_ code: String) -> String? {
        descriptions[code] ?? descriptions[String(code.prefix(3))] ?? descriptions[String(code.prefix(2))]
    }
}
