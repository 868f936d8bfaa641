import Foundation

/// Reads a UTF-8 text file line by line in bounded memory (64 KiB reads), for JSONL imports of any
/// size. A line that is not valid UTF-8 is repaired with U+FFFD rather than dropped, so the record
/// on it fails validation with its line number instead of vanishing.
public struct LineReader: Sequence {
    let path: String

    public init(path: String) { self.path = path }

    public func makeIterator() -> Iterator { Iterator(handle: FileHandle(forReadingAtPath: path)) }

    public struct Iterator: IteratorProtocol {
        let handle: FileHandle?
        var buffer: [UInt8] = []
        var offset = 0
        var done = false

        init(handle: FileHandle?) {
            self.handle = handle
            done = handle == nil
        }

        public mutating func next() -> String? {
            while true {
                if let newline = buffer[offset...].firstIndex(of: 0x0a) {
                    var line = buffer[offset..<newline]
                    if line.last == 0x0d { line = line.dropLast() }
                    offset = newline + 1
                    return String(decoding: line, as: UTF8.self)
                }
                if done {
                    guard offset < buffer.count else { return nil }
                    defer { offset = buffer.count }
                    return String(decoding: buffer[offset...], as: UTF8.self)
                }
                let chunk = handle?.readData(ofLength: 65_536) ?? Data()
                if chunk.isEmpty {
                    done = true
                    try? handle?.close()
                }
                buffer.removeSubrange(0..<offset)
                offset = 0
                buffer.append(contentsOf: chunk)
            }
        }
    }
}
