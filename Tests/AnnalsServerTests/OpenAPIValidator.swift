import AnnalsTesting
import Foundation
import Testing

/// Checks responses against `docs/openapi.yaml` (as the server serves it, `/openapi.json`): the
/// route and status must be described, and a JSON body must match the described schema. It reads
/// the parts of OpenAPI 3.0 the file uses: `$ref`, `type`, `properties`, `required`, `items`,
/// `enum`, `nullable`, `oneOf`, `minimum`.
struct OpenAPIValidator {
    let spec: [String: Any]

    init(json: Data) throws {
        guard let spec = try JSONSerialization.jsonObject(with: json) as? [String: Any] else { throw ValidationProblem("the spec is not an object") }
        self.spec = spec
    }

    /// Records an issue at `sourceLocation` for each problem with `response` to `method` `path`.
    func check(method: String, path: String, _ response: HTTPProbe.Response, sourceLocation: SourceLocation) {
        for problem in problems(method: method, path: path, status: response.status, contentType: response.headers["content-type"], body: response.body) {
            Issue.record("not as docs/openapi.yaml says: \(problem)", sourceLocation: sourceLocation)
        }
    }

    /// Problems with one response; empty when it matches.
    func problems(method: String, path: String, status: Int, contentType: String?, body: Data) -> [String] {
        let bare = String(path.split(separator: "?", maxSplits: 1).first ?? "")
        guard let (template, item) = operation(for: bare), let operation = item[method.lowercased()] as? [String: Any] else {
            return ["\(method) \(bare): no such operation in the spec"]
        }
        guard let responses = operation["responses"] as? [String: Any], var response = responses[String(status)] as? [String: Any] else {
            return ["\(method) \(template) answered \(status), which the spec does not list"]
        }
        if let ref = response["$ref"] as? String, let resolved = resolve(ref) { response = resolved }
        guard let content = response["content"] as? [String: Any] else { return body.isEmpty ? [] : ["\(method) \(template) \(status): a body the spec does not describe"] }
        let type = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard let media = content[type] as? [String: Any] else { return ["\(method) \(template) \(status): content type \(type) not in the spec (\(content.keys.sorted()))"] }
        guard type == "application/json", let schema = media["schema"] as? [String: Any] else { return [] }
        guard let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            return ["\(method) \(template) \(status): the body is not JSON"]
        }
        return check(value, schema, at: "\(method) \(template) \(status) body")
    }

    /// The path item whose template matches: `{id}` stands for a record id (slashes included), any
    /// other parameter for one segment; the template with the most literal text wins.
    private func operation(for path: String) -> (String, [String: Any])? {
        guard let paths = spec["paths"] as? [String: Any] else { return nil }
        var best: (String, [String: Any], Int)?
        for (template, item) in paths {
            guard let item = item as? [String: Any] else { continue }
            var pattern = "^"
            var literal = 0
            for part in template.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
                if part == "{id}" { pattern += "/.+" } else if part.hasPrefix("{") { pattern += "/[^/]+" } else {
                    pattern += "/" + NSRegularExpression.escapedPattern(for: String(part))
                    literal += part.count
                }
            }
            pattern += "$"
            if path.range(of: pattern, options: .regularExpression) != nil, literal > best?.2 ?? -1 { best = (template, item, literal) }
        }
        return best.map { ($0.0, $0.1) }
    }

    /// JSONSerialization gives true and false as NSNumbers of type char, numbers as int or double.
    private static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    private func resolve(_ ref: String) -> [String: Any]? {
        var node: Any = spec
        for part in ref.dropFirst(2).split(separator: "/") {
            guard let object = node as? [String: Any], let next = object[String(part)] else { return nil }
            node = next
        }
        return node as? [String: Any]
    }

    private func check(_ value: Any, _ schema: [String: Any], at place: String) -> [String] {
        var schema = schema
        if let ref = schema["$ref"] as? String {
            guard let resolved = resolve(ref) else { return ["\(place): unresolved \(ref)"] }
            schema = resolved
        }
        if value is NSNull { return schema["nullable"] as? Bool == true || schema["type"] == nil ? [] : ["\(place): null, which the spec does not allow"] }
        if let options = schema["oneOf"] as? [[String: Any]] {
            let matching = options.filter { check(value, $0, at: place).isEmpty }.count
            return matching == 1 ? [] : ["\(place): matches \(matching) of the oneOf schemas, not one"]
        }
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { "\($0)" == "\(value)" }) {
            return ["\(place): \(value) is not one of \(allowed)"]
        }
        switch schema["type"] as? String {
        case "object"?:
            guard let object = value as? [String: Any] else { return ["\(place): not an object"] }
            var problems: [String] = []
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { problems.append("\(place): required \(key) is missing") }
            for (key, property) in schema["properties"] as? [String: [String: Any]] ?? [:] {
                if let member = object[key] { problems += check(member, property, at: "\(place).\(key)") }
            }
            return problems
        case "array"?:
            guard let array = value as? [Any] else { return ["\(place): not an array"] }
            guard let items = schema["items"] as? [String: Any] else { return [] }
            return array.enumerated().flatMap { check($1, items, at: "\(place)[\($0)]") }
        case "string"?:
            return value is String ? [] : ["\(place): not a string"]
        case "integer"?:
            guard let number = value as? NSNumber, !Self.isBoolean(number), number.doubleValue == number.doubleValue.rounded() else { return ["\(place): not an integer"] }
            if let minimum = schema["minimum"] as? Double, number.doubleValue < minimum { return ["\(place): below \(minimum)"] }
            return []
        case "number"?:
            return value is NSNumber ? [] : ["\(place): not a number"]
        case "boolean"?:
            return (value as? NSNumber).map(Self.isBoolean) == true ? [] : ["\(place): not a boolean"]
        default:
            return []
        }
    }
}

struct ValidationProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
