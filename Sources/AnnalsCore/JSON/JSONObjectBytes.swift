import Foundation

/// A JSON object kept as its text, with where each top-level member lies: read a member at a time
/// without building a tree. The hot paths (append, rebuild, catch-up) hold a new record this
/// way: its folded words, cells and list key need a few of its fields, and a `JSONValue` tree of
/// the whole record (a dictionary, a `String` per string) cost more than all the rest they do.
///
/// Made only from text that `JSONValidator` accepts (the grammar `JSONParser` reads), so every
/// member parses, and a member's text is the same JSON the whole object's tree holds under its key.
public struct JSONObjectBytes: Sendable {
    /// Where one member's key (without its quotes) and value lie, as offsets into `text`.
    struct Member: Sendable {
        let key: Range<Int>
        let value: Range<Int>
    }

    /// The object's text, as given.
    public let text: ArraySlice<UInt8>
    private let members: [Member]

    /// Checks `text` as `JSONValue.parse` would and finds its members. Throws `JSONError` when the
    /// text is not JSON, not an object, or has a key holding an escape (`\u0041` for `A`), which
    /// looking a key up by its bytes would miss: such text is left to the parser.
    public init(_ text: ArraySlice<UInt8>) throws {
        let found = try text.withUnsafeBufferPointer { buffer -> [Member]? in
            guard let members = try JSONValidator.members(of: buffer) else { return nil }
            for member in members where buffer[member.key].contains(UInt8(ascii: "\\")) { return nil }
            return members
        }
        guard let found else { throw JSONError(offset: 0, problem: "not an object with plain keys") }
        self.text = text
        self.members = found
    }

    /// Made from the text of an object inside text already validated: its members found by
    /// skipping strings and brackets, nothing checked again.
    private init?(validated text: ArraySlice<UInt8>) {
        guard let members = text.withUnsafeBufferPointer({ Self.members(ofValidated: $0) }) else { return nil }
        self.text = text
        self.members = members
    }

    /// The value under `key` read as an object in its turn (nil when it is not an object, or has a
    /// key with an escape), its text not checked again.
    public func object(_ key: String) -> JSONObjectBytes? {
        value(key).flatMap { JSONObjectBytes(validated: $0) }
    }

    /// The members of the object `bytes` holds, which `JSONValidator` accepted as part of larger
    /// text; nil when it is not an object or a key holds an escape.
    private static func members(ofValidated bytes: UnsafeBufferPointer<UInt8>) -> [Member]? {
        var scan = ValidatedScan(bytes: bytes)
        scan.skipSpace()
        guard scan.index < bytes.count, bytes[scan.index] == UInt8(ascii: "{") else { return nil }
        scan.index += 1
        var members: [Member] = []
        members.reserveCapacity(16)
        while true {
            scan.skipSpace()
            guard scan.index < bytes.count else { return nil }
            if bytes[scan.index] == UInt8(ascii: "}") { return members }
            if bytes[scan.index] == UInt8(ascii: ",") { scan.index += 1; continue }
            guard bytes[scan.index] == UInt8(ascii: "\"") else { return nil }
            let keyStart = scan.index + 1
            if scan.skipString() { return nil }
            let key = keyStart..<scan.index - 1
            scan.skipSpace()
            guard scan.index < bytes.count, bytes[scan.index] == UInt8(ascii: ":") else { return nil }
            scan.index += 1
            scan.skipSpace()
            let valueStart = scan.index
            scan.skipValue()
            guard scan.index <= bytes.count, scan.index > valueStart else { return nil }
            members.append(Member(key: key, value: valueStart..<scan.index))
        }
    }

    /// The objects in the list under `key`, each read as `object(_:)` reads one; nil when there is
    /// no list there, or when an item is an object with a key holding an escape (read the tree
    /// then). Items that are not objects are left out, as a tree's lookups in them find nothing.
    public func objects(inList key: String) -> [JSONObjectBytes]? {
        guard let list = value(key), list.first == UInt8(ascii: "[") else { return nil }
        let items: [Range<Int>]? = list.withUnsafeBufferPointer { bytes in
            var scan = ValidatedScan(bytes: bytes, index: 1), items: [Range<Int>] = []
            while true {
                scan.skipSpace()
                guard scan.index < bytes.count else { return nil }
                if bytes[scan.index] == UInt8(ascii: "]") { return items }
                if bytes[scan.index] == UInt8(ascii: ",") { scan.index += 1; continue }
                let start = scan.index
                scan.skipValue()
                guard scan.index > start else { return nil }
                items.append(start..<scan.index)
            }
        }
        guard let items else { return nil }
        var objects: [JSONObjectBytes] = []
        objects.reserveCapacity(items.count)
        for item in items {
            let text = list[list.startIndex + item.lowerBound..<list.startIndex + item.upperBound]
            guard text.first == UInt8(ascii: "{") else { continue }
            guard let object = JSONObjectBytes(validated: text) else { return nil }
            objects.append(object)
        }
        return objects
    }

    /// Steps over text `JSONValidator` accepted, checking nothing: a value, a string, white space.
    private struct ValidatedScan {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
        }

        /// Past the string starting at `index`; whether it held an escape.
        mutating func skipString() -> Bool {
            let (end, escaped) = JSONObjectBytes.stringEnd(bytes, from: index + 1)
            index = end + 1
            return escaped
        }

        mutating func skipValue() {
            guard index < bytes.count else { return }
            switch bytes[index] {
            case UInt8(ascii: "\""): _ = skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""): _ = skipString(); continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { index += 1; return }
                    default: break
                    }
                    index += 1
                }
            default:  // a number or a literal: up to what ends it
                while index < bytes.count, bytes[index] > 0x20, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "}"),
                      bytes[index] != UInt8(ascii: "]") { index += 1 }
            }
        }
    }

    /// This object with member `key` set to the JSON text `value` (valid JSON: the caller's
    /// canonical encoding of a value), or removed when `value` is nil. A new key goes before the
    /// first key that sorts after it in byte order, where canonical JSON keeps it; the rest of the
    /// text is kept as it is. Nil when the new text has a key with an escape (see `init`).
    public func replacing(_ key: String, with value: [UInt8]?) -> JSONObjectBytes? {
        let name = Array(key.utf8)
        let base = text.startIndex
        var out: [UInt8] = []
        out.reserveCapacity(text.count + (value?.count ?? 0) + name.count + 4)
        let existing = members.lastIndex { text[base + $0.key.lowerBound..<base + $0.key.upperBound].elementsEqual(name) }
        if let existing {
            let member = members[existing]
            if let value {
                out += text[..<(base + member.value.lowerBound)]
                out += value
                out += text[(base + member.value.upperBound)...]
            } else {
                // The member from its key's quote to the start of the next one (or, for the last,
                // from the end of the previous one): its comma goes with it.
                let start = member.key.lowerBound - 1
                if existing + 1 < members.count {
                    out += text[..<(base + start)]
                    out += text[(base + members[existing + 1].key.lowerBound - 1)...]
                } else if existing > 0 {
                    out += text[..<(base + members[existing - 1].value.upperBound)]
                    out += text[(base + member.value.upperBound)...]
                } else {
                    out += text[..<(base + start)]
                    out += text[(base + member.value.upperBound)...]
                }
            }
        } else if let value {
            var entry = JSONValue.string(key).canonicalBytes
            entry.append(UInt8(ascii: ":"))
            entry += value
            // The first key after the new one in byte order.
            if let next = members.firstIndex(where: { name.lexicographicallyPrecedes(text[base + $0.key.lowerBound..<base + $0.key.upperBound]) }) {
                out += text[..<(base + members[next].key.lowerBound - 1)]
                out += entry
                out.append(UInt8(ascii: ","))
                out += text[(base + members[next].key.lowerBound - 1)...]
            } else {
                // After the last member, or into an empty object: just before the closing brace.
                let close = text.lastIndex(of: UInt8(ascii: "}")) ?? text.endIndex
                out += text[..<close]
                if !members.isEmpty { out.append(UInt8(ascii: ",")) }
                out += entry
                out += text[close...]
            }
        } else {
            return self
        }
        // Valid JSON in, valid JSON out: the members are found again without checking the text.
        return JSONObjectBytes(validated: out[...])
    }

    /// The text of the value under `key` (the last one, when a key is given twice, as the parser
    /// keeps it), or nil when there is none.
    public func value(_ key: String) -> ArraySlice<UInt8>? {
        var key = key
        let found: Range<Int>? = key.withUTF8 { name in
            text.withUnsafeBufferPointer { buffer in
                // Last to first; the length and first byte rule out most keys before a memcmp.
                var index = members.count
                while index > 0 {
                    index -= 1
                    let member = members[index]
                    guard member.key.count == name.count else { continue }
                    if name.isEmpty { return member.value }
                    if buffer[member.key.lowerBound] == name[0],
                       memcmp(buffer.baseAddress! + member.key.lowerBound, name.baseAddress!, name.count) == 0 { return member.value }
                }
                return nil
            }
        }
        return found.map { text[text.startIndex + $0.lowerBound..<text.startIndex + $0.upperBound] }
    }

    /// The value under `key`, parsed, or nil when there is none.
    public func parsedValue(_ key: String) -> JSONValue? {
        value(key).flatMap { slice in slice.withUnsafeBufferPointer { try? JSONParser.parse(buffer: $0) } }
    }

    /// The string under `key`, or nil when there is none or it is not a string. A string without
    /// escapes is its text's bytes, which the validator found to be UTF-8: no parser, no repair.
    public func string(_ key: String) -> String? {
        guard let slice = value(key), slice.count >= 2, slice.first == UInt8(ascii: "\""), slice.last == UInt8(ascii: "\"") else { return nil }
        let inner = slice.dropFirst().dropLast()
        guard !inner.contains(UInt8(ascii: "\\")) else { return parsedValue(key)?.stringValue }
        return inner.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether two texts are the same bytes, compared with `memcmp` (`elementsEqual` goes a byte
    /// at a time through iterators; a record's paragraphs are compared on every edit).
    public static func sameBytes(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
        }
    }

    /// The whole object as a tree.
    public var tree: JSONValue {
        // Validated on the way in, so it parses.
        (text.withUnsafeBufferPointer { try? JSONParser.parse(buffer: $0) }) ?? .object([:])
    }

    /// Calls `body` with the UTF-8 of each string in `value` (the text of one JSON value that
    /// `JSONValidator` accepted), escapes decoded, in text order: the strings of lists and the
    /// member values of objects, never an object's keys.
    public static func forEachString(in value: ArraySlice<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        value.withUnsafeBufferPointer { bytes in
            var index = 0
            while index < bytes.count {
                guard bytes[index] == UInt8(ascii: "\"") else { index += 1; continue }
                let start = index + 1
                let (end, escaped) = stringEnd(bytes, from: start)
                index = min(end + 1, bytes.count)
                // A string followed by ':' is an object's key.
                var after = ValidatedScan(bytes: bytes, index: index)
                after.skipSpace()
                if after.index < bytes.count, bytes[after.index] == UInt8(ascii: ":") { continue }
                if !escaped {
                    body(UnsafeBufferPointer(rebasing: bytes[start..<min(end, bytes.count)]))
                } else if end < bytes.count,
                          case .string(var text)? = try? JSONParser.parse(buffer: UnsafeBufferPointer(rebasing: bytes[(start - 1)...end])) {
                    // Escapes are rare in records: the parser decodes them, as it does everywhere else.
                    text.withUTF8 { body($0) }
                }
            }
        }
    }

    /// Where the string whose text starts at `start` (just past its opening quote) ends: the
    /// offset of its closing quote (the end of `bytes` when there is none), and whether it holds an
    /// escape. Found with `memchr`, not a byte at a time: strings are most of a record's text.
    fileprivate static func stringEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, escaped: Bool) {
        guard let base = bytes.baseAddress, start < bytes.count else { return (bytes.count, false) }
        var from = start, escaped = false
        while from < bytes.count {
            guard let found = memchr(base + from, Int32(UInt8(ascii: "\"")), bytes.count - from) else { break }
            let quote = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if !escaped, quote > from, memchr(base + from, Int32(UInt8(ascii: "\\")), quote - from) != nil { escaped = true }
            // A quote after an odd run of backslashes is escaped: the string goes on.
            var slashes = 0
            while quote - slashes - 1 >= start, bytes[quote - slashes - 1] == UInt8(ascii: "\\") { slashes += 1 }
            if slashes % 2 == 0 { return (quote, escaped) }
            from = quote + 1
        }
        return (bytes.count, escaped)
    }
}
