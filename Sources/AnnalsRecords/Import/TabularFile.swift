import CSV
import Foundation

/// CSV and TSV through CSV.swift, streamed row by row with 1-based data-row numbers.
public enum TabularFile {
    public static func rows(path: String, delimiter: UnicodeScalar = ",", _ body: (Int, [String]) throws -> Void) throws {
        guard let stream = InputStream(fileAtPath: path) else {
            throw RecordError.invalidField(field: "file", value: path, fix: "check that the file exists and is readable")
        }
        let reader: CSVReader
        do { reader = try CSVReader(stream: stream, delimiter: delimiter) } catch {
            throw RecordError.invalidField(field: "file", value: path, fix: "cannot read it as CSV: \(error)")
        }
        var number = 0
        while let row = reader.next() {
            try body(number, row)
            number += 1
        }
        // CSV.swift reports the end of the stream as `cannotReadFile`; anything else is a real failure.
        if let error = reader.error, !(error is CSVError && "\(error)" == "\(CSVError.cannotReadFile)") {
            throw RecordError.invalidField(field: "file", value: path, fix: "CSV reading stopped after row \(number): \(error)")
        }
    }

    /// Rows as dictionaries keyed by the header row; `body` gets the 1-based data-row number, and a
    /// failure for a row with fewer columns than the header.
    public static func records(path: String, delimiter: UnicodeScalar = ",", _ body: (Int, Result<[String: String], RecordError>) throws -> Void) throws {
        var header: [String] = []
        try rows(path: path, delimiter: delimiter) { number, row in
            if number == 0 {
                header = row.map { $0.trimmingCharacters(in: .whitespaces) }
                return
            }
            guard row.count >= header.count else {
                // A cut row would import as a junk record with empty fields: it is refused by number.
                try body(number, .failure(.invalidField(field: "row", value: "\(row.count) of \(header.count) columns",
                                                        fix: "the row is cut short; restore its missing columns")))
                return
            }
            var record: [String: String] = [:]
            for (key, value) in zip(header, row) { record[key] = value }
            try body(number, .success(record))
        }
    }
}
