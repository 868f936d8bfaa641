public import AnnalsCore
public import AnnalsRecords

/// One change an upcast makes to an event's payload, at a path.
///
/// Paths are keys joined by `.`, where a list step selects elements: `[*]` every element,
/// `[key=value]` those whose `key` equals `value`, `[key^=text]` whose `key` starts with `text`,
/// `[key$=text]` whose `key` ends with `text`. Example: `changes[field=quantities].new[*].unit`.
public enum Operation: Sendable, Equatable {
    /// Renames the key at the path's end to `to`.
    case rename(path: Path, to: String)
    /// Adds the key at the path's end with `value`, where it is absent.
    case add(path: Path, value: JSONValue)
    /// Removes the key at the path's end.
    case remove(path: Path)
    /// Replaces text values found in `values` by their mapping; others stay.
    case map(path: Path, values: [String: String])
    /// Moves the key at the path's end to its sibling `to` when its text value is one of `values`
    /// (a region code out of `countryCode` into `region`).
    case move(path: Path, to: String, values: Set<String>)
    /// Splits each counterpart written as text, "Name (Country)", into `{"name", "countryCode"}`,
    /// keeping the text as the name and looking the country up in `table`; fills a missing
    /// `countryCode` of counterparts already split the same way.
    case splitCountry(path: Path, table: [String: String])

    static func parse(_ value: JSONValue) throws -> Operation {
        guard let name = value["op"]?.stringValue, let pathText = value["path"]?.stringValue else {
            throw RecordError.invalidField(field: "operation", value: value.description, fix: "give \"op\" and \"path\"")
        }
        let path = try Path(pathText)
        switch name {
        case "rename":
            guard let to = value["to"]?.stringValue, path.endsInKey else { throw bad(name, "needs \"to\" and a path ending in a key") }
            return .rename(path: path, to: to)
        case "add":
            guard let added = value["value"], path.endsInKey else { throw bad(name, "needs \"value\" and a path ending in a key") }
            return .add(path: path, value: added)
        case "remove":
            guard path.endsInKey else { throw bad(name, "needs a path ending in a key") }
            return .remove(path: path)
        case "map":
            guard case .object(let table)? = value["values"] else { throw bad(name, "needs \"values\": {\"old\": \"new\"}") }
            return .map(path: path, values: table.compactMapValues(\.stringValue))
        case "move":
            guard let to = value["to"]?.stringValue, case .array(let list)? = value["values"], path.endsInKey else {
                throw bad(name, "needs \"to\", \"values\": [\"…\"] and a path ending in a key")
            }
            return .move(path: path, to: to, values: Set(list.compactMap(\.stringValue)))
        case "split":
            guard value["rule"]?.stringValue == "name-and-country", case .object(let table)? = value["table"] else {
                throw bad(name, "needs \"rule\": \"name-and-country\" and a \"table\" of country names to codes")
            }
            return .splitCountry(path: path, table: table.compactMapValues(\.stringValue))
        default:
            throw bad(name, "use rename, add, remove, map, move or split")
        }
    }

    private static func bad(_ op: String, _ fix: String) -> RecordError {
        .invalidField(field: "op", value: op, fix: fix)
    }

    /// Applies the operation to a payload.
    func apply(to payload: JSONValue) -> JSONValue {
        switch self {
        case let .rename(path, to):
            return path.updateContainers(payload) { members, key in
                guard let value = members.removeValue(forKey: key) else { return }
                members[to] = value
            }
        case let .add(path, value):
            return path.updateContainers(payload) { members, key in
                if members[key] == nil { members[key] = value }
            }
        case let .remove(path):
            return path.updateContainers(payload) { members, key in members[key] = nil }
        case let .map(path, values):
            return path.updateValues(payload) { value in
                guard let text = value.stringValue, let mapped = values[text] else { return value }
                return .string(mapped)
            }
        case let .move(path, to, values):
            return path.updateContainers(payload) { members, key in
                guard let text = members[key]?.stringValue, values.contains(text) else { return }
                members[key] = nil
                members[to] = .string(text)
            }
        case let .splitCountry(path, table):
            return path.updateValues(payload) { value in Self.splitCountry(value, table) }
        }
    }

    static func splitCountry(_ value: JSONValue, _ table: [String: String]) -> JSONValue {
        func code(for name: String) -> String? {
            if let open = name.lastIndex(of: "("), name.hasSuffix(")") {
                let inner = name[name.index(after: open)..<name.index(before: name.endIndex)]
                // "Nam Ninh, Quảng Tây, Trung Quốc": the country is the last part.
                let country = inner.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                if let code = table[country] { return code }
            }
            return table[name.trimmingCharacters(in: .whitespaces)]
        }
        switch value {
        case .string(let name):
            var object: [String: JSONValue] = ["name": .string(name)]
            if let code = code(for: name) { object["countryCode"] = .string(code) }
            return .object(object)
        case .object(var members):
            if members["countryCode"] == nil, let name = members["name"]?.stringValue, let code = code(for: name) {
                members["countryCode"] = .string(code)
            }
            return .object(members)
        default:
            return value
        }
    }
}

/// A path into a payload (see `Operation`).
public struct Path: Sendable, Equatable, CustomStringConvertible {
    enum Step: Sendable, Equatable {
        case key(String)
        case all
        case equals(String, String)
        case prefix(String, String)
        case suffix(String, String)
    }

    let steps: [Step]
    public let description: String

    init(_ text: String) throws {
        var steps: [Step] = []
        var index = text.startIndex
        var key = ""
        func flushKey() {
            if !key.isEmpty { steps.append(.key(key)); key = "" }
        }
        while index < text.endIndex {
            let character = text[index]
            if character == "." {
                flushKey()
                index = text.index(after: index)
            } else if character == "[" {
                flushKey()
                guard let close = text[index...].firstIndex(of: "]") else {
                    throw RecordError.invalidField(field: "path", value: text, fix: "close every [ with ]")
                }
                let selector = String(text[text.index(after: index)..<close])
                if selector == "*" { steps.append(.all) }
                else if let range = selector.range(of: "^=") { steps.append(.prefix(String(selector[..<range.lowerBound]), String(selector[range.upperBound...]))) }
                else if let range = selector.range(of: "$=") { steps.append(.suffix(String(selector[..<range.lowerBound]), String(selector[range.upperBound...]))) }
                else if let range = selector.range(of: "=") { steps.append(.equals(String(selector[..<range.lowerBound]), String(selector[range.upperBound...]))) }
                else { throw RecordError.invalidField(field: "path", value: text, fix: "list steps are [*], [key=value], [key^=prefix] or [key$=suffix]") }
                index = text.index(after: close)
            } else {
                key.append(character)
                index = text.index(after: index)
            }
        }
        flushKey()
        guard !steps.isEmpty else { throw RecordError.invalidField(field: "path", value: text, fix: "give a path such as record.counterparts[*]") }
        self.steps = steps
        description = text
    }

    var endsInKey: Bool { if case .key = steps.last { return true } else { return false } }

    /// Replaces every value the path reaches.
    func updateValues(_ root: JSONValue, _ change: (JSONValue) -> JSONValue) -> JSONValue {
        Self.walk(root, steps[...], change)
    }

    /// Calls `change` with the object holding the path's last key, for every such object.
    func updateContainers(_ root: JSONValue, _ change: (inout [String: JSONValue], String) -> Void) -> JSONValue {
        guard case .key(let last)? = steps.last else { return root }
        return Self.walk(root, steps.dropLast()) { container in
            guard case .object(var members) = container else { return container }
            change(&members, last)
            return .object(members)
        }
    }

    private static func walk(_ value: JSONValue, _ steps: ArraySlice<Step>, _ change: (JSONValue) -> JSONValue) -> JSONValue {
        guard let step = steps.first else { return change(value) }
        let rest = steps.dropFirst()
        switch (step, value) {
        case (.key(let key), .object(var members)):
            guard let child = members[key] else { return value }
            members[key] = walk(child, rest, change)
            return .object(members)
        case (.all, .array(let items)):
            return .array(items.map { walk($0, rest, change) })
        case (.equals(let key, let wanted), .array(let items)):
            return .array(items.map { $0[key]?.stringValue == wanted ? walk($0, rest, change) : $0 })
        case (.prefix(let key, let wanted), .array(let items)):
            return .array(items.map { $0[key]?.stringValue?.hasPrefix(wanted) == true ? walk($0, rest, change) : $0 })
        case (.suffix(let key, let wanted), .array(let items)):
            return .array(items.map { $0[key]?.stringValue?.hasSuffix(wanted) == true ? walk($0, rest, change) : $0 })
        default:
            return value
        }
    }
}
