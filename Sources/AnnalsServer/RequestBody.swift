import AnnalsCore
import Foundation
import Hummingbird
import NIOCore

/// Reading a request's JSON body: at most the configured size (413 past it), within the request
/// time bound (503 past it, so a slow client cannot hold a route), and parsed with the CLI's JSON
/// reader (400 naming the problem).
enum RequestBody {
    static func json(_ request: Request, _ configuration: ServerConfiguration) async throws -> JSONValue {
        let bytes = try await collect(request, configuration)
        do {
            return try JSONValue.parseInput(bytes)
        } catch {
            throw APIError(.badRequest, "malformed-json", "the body is not valid JSON: \(error)")
        }
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
