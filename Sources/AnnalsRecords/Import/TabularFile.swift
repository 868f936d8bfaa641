import CSV
import Foundation

/// CSV and TSV through CSV.swift, streamed row by row with 1-based data-row numbers.
public enum TabularFile {
    public static func rows(path: String, delimiter: UnicodeScalar = ",", _ body: (Int, [String]) throws -> Void) throws {
        guard let stream = InputStream(fileAtPath: path) else {
            throw RecordError.invalidField(field: "file", value: path, fix: "check that the file exists and is readable")
        }
        if let line = try unclosedQuote(path: path, delimiter: UInt8(ascii: delimiter)) {
            // CSV.swift ends such a field at the end of the file as if it were closed, so a cut
            // file would import its last row short: it is refused before anything is read.
            throw RecordError.invalidField(field: "file", value: path,
                                           fix: "the quoted field opened on line \(line) is never closed: the file is cut short; restore its end")
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

    /// The line (1-based) on which a quoted field opens that the file never closes, or nil. It
    /// reads the bytes as CSV.swift does: a field that starts with `"` is quoted until a `"` that
    /// is not doubled; inside it, `""` is a quote and any other `"` is kept (with the byte after it).
    static func unclosedQuote(path: String, delimiter: UInt8) throws -> Int? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RecordError.invalidField(field: "file", value: path, fix: "check that the file exists and is readable")
        }
        defer { try? handle.close() }
        let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var line = 1, openedOn = 0, quoted = false, fieldStart = true, afterQuote = false
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
            for byte in chunk {
                if byte == lf { line += 1 }
                if quoted {
                    if afterQuote {
                        afterQuote = false
                        // A closing quote ends the field at a delimiter or a line end; "" and any
                        // other byte after a quote leave the field open, as CSV.swift reads it.
                        if byte == delimiter || byte == cr || byte == lf {
                            quoted = false
                            fieldStart = true
                        }
                    } else if byte == quote {
                        afterQuote = true
                    }
                } else if byte == delimiter || byte == cr || byte == lf {
                    fieldStart = true
                } else {
                    if fieldStart && byte == quote {
                        quoted = true
                        openedOn = line
                    }
                    fieldStart = false
                }
            }
        }
        // A quote that is the file's last byte closes its field.
        return quoted && !afterQuote ? openedOn : nil
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
