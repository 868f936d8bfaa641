import AnnalsCore
import AnnalsRecords
import Foundation
import Hummingbird
import NIOCore

/// Reading a request's JSON body: at most the configured size (413 past it), within the request
/// time bound (503 past it, so a slow client cannot hold a route), and parsed with the CLI's JSON
/// reader (400 naming the problem).
enum RequestBody {
    /// The body as a JSON object whose keys are all among `fields` (400 naming any other, with the
    /// field it likely meant; a key given twice is malformed JSON). `actor` and `account` are left
    /// for the edit context, which says that the actor is the authenticated user.
    static func json(_ request: Request, _ configuration: ServerConfiguration, fields: Set<String>) async throws -> JSONValue {
        try parse(try await collect(request, configuration), fields: fields)
    }

    /// The same for a route whose body may be left out: nil for an empty body.
    static func optionalJSON(_ request: Request, _ configuration: ServerConfiguration, fields: Set<String>) async throws -> JSONValue? {
        let bytes = try await collect(request, configuration)
        return bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) ? nil : try parse(bytes, fields: fields)
    }

    private static func parse(_ bytes: [UInt8], fields: Set<String>) throws -> JSONValue {
        let body: JSONValue
        do {
            body = try JSONValue.parseInput(bytes)
        } catch {
            throw APIError(.badRequest, "malformed-json", "the body is not valid JSON: \(error)")
        }
        guard case .object(let members) = body else { throw APIError.badRequest("the body must be a JSON object") }
        let known = fields.union(["actor", "account"])
        if let unknown = members.keys.sorted().first(where: { !known.contains($0) }) {
            let guess = RecordSchema.closest(unknown, among: fields).map { "did you mean \"\($0)\"? " } ?? ""
            throw APIError(.badRequest, "unknown-field",
                           "unknown field \"\(unknown)\" in the body: \(guess)this route takes \(fields.sorted().joined(separator: ", "))")
        }
        return body
    }

    static func collect(_ request: Request, _ configuration: ServerConfiguration) async throws -> [UInt8] {
        let limit = configuration.maxBodyBytes, seconds = configuration.requestTimeoutSeconds
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "too-large", "the body is \(length) bytes; this server accepts at most \(limit)")
        }
        return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                var copy = request
                do {
                    let buffer = try await copy.collectBody(upTo: limit)
                    return Array(buffer.readableBytesView)
                } catch is NIOTooManyBytesError {
                    // A body sent without Content-Length (chunked) is measured as it arrives.
                    throw APIError(.contentTooLarge, "too-large", "the body is larger than the \(limit) bytes this server accepts")
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let bytes = first else {
                throw APIError(.serviceUnavailable, "timeout", "the request body did not arrive within \(Int(seconds)) s")
            }
            return bytes
        }
    }
}
