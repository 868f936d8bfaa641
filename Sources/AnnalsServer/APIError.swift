import AnnalsApplication
import AnnalsCore
import Foundation
public import Hummingbird
import Logging

/// An error answered as JSON: `{"error": {"code": "…", "message": "…"}}` with its status, plus
/// any headers it needs (the current version on a 412). Messages are one line, their remedy worded for an HTTP client; nothing
/// internal (paths, stack traces) is ever in one.
public struct APIError: HTTPResponseError {
    public let status: HTTPResponse.Status
    let code: String
    let message: String
    var headers: HTTPFields = [:]
    var extra: [String: JSONValue] = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad-request", message) }
    static func unauthorized(_ message: String) -> APIError {
        var error = APIError(.unauthorized, "unauthorized", message)
        error.headers[.wwwAuthenticate] = "Bearer"
        return error
    }
    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, "forbidden", message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, "not-found", message) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        for (key, value) in extra { error[key] = value }
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        var buffer = ByteBuffer()
        buffer.writeBytes(JSONValue.object(["error": .object(error)]).canonicalBytes)
        return Response(status: status, headers: fields, body: .init(byteBuffer: buffer))
    }

    /// The answer for any error a route throws: Annals' own by their kind (`Failure`), the
    /// framework's by its status, anything else a 500 whose detail goes to the log only.
    static func from(_ error: any Error, logger: Logger) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? HTTPError {
            switch error.status {
            case .notFound: return APIError(.notFound, "not-found", "no such route; see the API description at /openapi.yaml")
            case .contentTooLarge: return APIError(.contentTooLarge, "too-large", "the request body is larger than this server accepts")
            case .methodNotAllowed: return APIError(.methodNotAllowed, "method-not-allowed", "this route does not take that method")
            default: return APIError(error.status, "http", error.body ?? error.status.reasonPhrase)
            }
        }
        guard let failure = Failure(error) else {
            logger.error("unexpected error: \(String(describing: error))")
            return APIError(.internalServerError, "internal", "the server failed to answer; the detail is in its log")
        }
        return from(failure, logger: logger)
    }

    /// The status and code of each kind of failure.
    static func from(_ failure: Failure, logger: Logger) -> APIError {
        switch failure.kind {
        case .invalidField: return APIError(.badRequest, "invalid-field", failure.clientMessage)
        case .invalidRequest: return APIError(.badRequest, "bad-request", failure.clientMessage)
        case .notFound: return APIError(.notFound, "not-found", failure.clientMessage)
        case .invalidState: return APIError(.conflict, "invalid-state", failure.clientMessage)
        case .conflict: return APIError(.preconditionFailed, "conflict", failure.clientMessage)
        case .duplicate: return APIError(.conflict, "duplicate", failure.clientMessage)
        case .alreadyExists: return APIError(.conflict, "exists", failure.clientMessage)
        case .verificationFailed: return APIError(.conflict, "verification-failed", failure.clientMessage)
        case .unavailable: return APIError(.serviceUnavailable, "unavailable", failure.clientMessage)
        case .storeFault:
            // Errors of the store itself name its files: the detail goes to the log.
            logger.error("store error: \(failure.message)")
            return APIError(.internalServerError, "store", "the store could not be read or written; the detail is in the server's log")
        }
    }
}

/// Turns every error into its JSON answer; a known path asked with another method is 405.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let routes = RouteTable()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            if let methods = routes.methods(for: request.uri.path), !methods.contains(request.method.rawValue) {
                var refusal = APIError(.methodNotAllowed, "method-not-allowed", "\(request.uri.path) takes \(methods.joined(separator: ", ")), not \(request.method.rawValue)")
                refusal.headers[.allow] = methods.joined(separator: ", ")
                return try refusal.response(from: request, context: context)
            }
            return try APIError.from(error, logger: context.logger).response(from: request, context: context)
        } catch {
            return try APIError.from(error, logger: context.logger).response(from: request, context: context)
        }
    }
}
