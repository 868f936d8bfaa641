public import AnnalsCore

/// A path to one field of a record document: `title`, `viewCount.count`, `quantities[0].value`.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible, Codable {
    public enum Step: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public let steps: [Step]
    public let description: String

    public init(_ text: String) throws {
        if let steps = Self.plainSteps(text) {
            self.steps = steps
            self.description = text
            return
        }
        var steps: [Step] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            guard let name = rest.split(separator: "[", maxSplits: 1, omittingEmptySubsequences: false).first,
                  !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw RecordError.invalidField(field: "field", value: text, fix: "name a field such as title, viewCount.count or quantities[0].value")
            }
            steps.append(.key(String(name)))
            rest = rest.dropFirst(name.count)
            while rest.first == "[" {
                guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0 else {
                    throw RecordError.invalidField(field: "field", value: text, fix: "list positions are written [0], [1], …")
                }
                steps.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
            guard rest.isEmpty else {
                throw RecordError.invalidField(field: "field", value: text, fix: "name a field such as title, viewCount.count or quantities[0].value")
            }
        }
        self.steps = steps
        self.description = text
    }

    /// The steps of a path of ASCII names and plain list positions (`quantities[0].value`), read
    /// byte by byte; nil for anything else, which `init` then reads, or refuses, character by
    /// character. Every correction's path is read again on every rebuild.
    private static func plainSteps(_ text: String) -> [Step]? {
        let bytes = Array(text.utf8)
        func isNameByte(_ byte: UInt8) -> Bool { byte &- 0x61 < 26 || byte &- 0x41 < 26 || byte &- 0x30 < 10 || byte == 0x5F }
        var steps: [Step] = [], index = 0
        while true {
            let start = index
            while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
            guard index > start else { return nil }
            steps.append(.key(String(decoding: bytes[start..<index], as: UTF8.self)))
            while index < bytes.count, bytes[index] == UInt8(ascii: "[") {
                index += 1
                let digits = index
                var position = 0
                while index < bytes.count, bytes[index] &- 0x30 < 10 {
                    guard index - digits < 18 else { return nil }  // longer: the character path reads it, or refuses it
                    position = position * 10 + Int(bytes[index] &- 0x30)
                    index += 1
                }
                guard index > digits, index < bytes.count, bytes[index] == UInt8(ascii: "]") else { return nil }
                index += 1
                steps.append(.index(position))
            }
            if index == bytes.count { return steps }
            guard bytes[index] == UInt8(ascii: ".") else { return nil }
            index += 1
        }
    }

    /// The first step's key: the top-level field the path is in.
    public var topLevelField: String {
        if case .key(let key) = steps.first { return key }
        return description
    }

    public init(from decoder: any Decoder) throws {
        self = try withCodingPath(decoder) { try Self(try decoder.singleValueContainer().decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension JSONValue {
    /// The value at `path`, or nil when the path leads nowhere.
    public func value(at path: FieldPath) -> JSONValue? {
        var current: JSONValue? = self
        for step in path.steps {
            switch (step, current) {
            case (.key(let key), .object(let members)?): current = members[key]
            case (.index(let index), .array(let values)?): current = index < values.count ? values[index] : nil
            default: return nil
            }
        }
        return current
    }

    /// This value with `path` set to `newValue`. Objects gain missing keys; a list position must
    /// exist or be the next one (appending). Throws naming the path when it cannot be set.
    public func setting(_ path: FieldPath, to newValue: JSONValue) throws -> JSONValue {
        try Self.set(self, path.steps[...], newValue, path)
    }

    private static func set(_ value: JSONValue, _ steps: ArraySlice<FieldPath.Step>, _ newValue: JSONValue, _ path: FieldPath) throws -> JSONValue {
        guard let step = steps.first else { return newValue }
        let rest = steps.dropFirst()
        switch (step, value) {
        case (.key(let key), .object(var members)):
            if rest.isEmpty && newValue == .null {
                members[key] = nil  // null and absent are the same: optional fields are left out
            } else {
                members[key] = try set(members[key] ?? .object([:]), rest, newValue, path)
            }
            return .object(members)
        case (.key(let key), .null):
            return .object([key: try set(.object([:]), rest, newValue, path)])
        case (.index(let index), .array(var values)) where index <= values.count:
            if index == values.count {
                values.append(try set(.object([:]), rest, newValue, path))
            } else {
                values[index] = try set(values[index], rest, newValue, path)
            }
            return .array(values)
        default:
            throw RecordError.invalidField(field: path.description, value: newValue.description,
                                           fix: "this path does not exist in the record; check the field names and list positions with show")
        }
    }
}
