import AnnalsCore
import Foundation

/// The API's routes and their methods, read from the API description the binary carries: what
/// turns a known path asked with another method into 405 with `Allow`, instead of 404.
struct RouteTable: Sendable {
    private let routes: [(pattern: String, methods: [String])]

    init() {
        var routes: [(String, [String])] = []
        if let text = BrowserAssets.files["/openapi.json"]?.text, let spec = try? JSONValue.parse(Array(text.utf8)),
           case .object(let paths)? = spec["paths"] {
            for (template, item) in paths {
                guard case .object(let members) = item else { continue }
                let methods = members.keys.filter { ["get", "post", "patch", "put", "delete"].contains($0) }.map { $0.uppercased() }.sorted()
                routes.append((Self.pattern(template), methods))
            }
        }
        for path in BrowserAssets.files.keys { routes.append((Self.pattern(path), ["GET"])) }
        routes.append(("^/$", ["GET"]))
        self.routes = routes
    }

    /// `{id}` is a record id (slashes included); another parameter is one segment.
    private static func pattern(_ template: String) -> String {
        "^" + template.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { part in
            part == "{id}" ? "/.+" : part.hasPrefix("{") ? "/[^/]+" : "/" + NSRegularExpression.escapedPattern(for: String(part))
        }.joined() + "$"
    }

    /// The methods a path takes, when the API has it.
    func methods(for path: String) -> [String]? {
        let found = routes.filter { path.range(of: $0.pattern, options: .regularExpression) != nil }.flatMap(\.methods)
        return found.isEmpty ? nil : Array(Set(found)).sorted()
    }
}
