import AnnalsApplication
import AnnalsCore
import AnnalsProjections
import AnnalsRecords
import Foundation
public import Hummingbird
import Logging

/// An error answered as JSON: `{"error": {"code": "…", "message": "…"}}` with its status, plus
/// any headers it needs (the current version on a 412). Messages are the CLI's one-liners; nothing
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

    /// The answer for any error a route throws: Annals' own by their kind, the framework's by its
    /// status, anything else a 500 whose detail goes to the log only.
    static func from(_ error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as RecordError:
            switch error {
            case .unknownRecord: return APIError(.notFound, "not-found", error.description)
            case .invalidState, .nothingChanged: return APIError(.conflict, "invalid-state", error.description)
            default: return APIError(.badRequest, "invalid-field", error.description)
            }
        case let error as EventLogError:
            switch error {
            case .invalidInput: return APIError(.badRequest, "invalid-field", error.description)
            case .wrongExpectedVersion: return APIError(.preconditionFailed, "conflict", error.description)
            case .eventIdReused, .partialDuplicate: return APIError(.conflict, "duplicate", error.description)
            default:
                logger.error("store error: \(error.description)")
                return APIError(.internalServerError, "store", "the store could not be read or written; the detail is in the server's log")
            }
        case let error as HTTPError:
            switch error.status {
            case .notFound: return APIError(.notFound, "not-found", "no such route; see the API description at /openapi.yaml")
            case .contentTooLarge: return APIError(.contentTooLarge, "too-large", "the request body is larger than this server accepts")
            case .methodNotAllowed: return APIError(.methodNotAllowed, "method-not-allowed", "this route does not take that method")
            default: return APIError(error.status, "http", error.body ?? error.status.reasonPhrase)
            }
        default:
            guard let failure = Failure(error) else {
                logger.error("unexpected error: \(String(describing: error))")
                return APIError(.internalServerError, "internal", "the server failed to answer; the detail is in its log")
            }
            switch failure.kind {
            case .conflict: return APIError(.preconditionFailed, "conflict", failure.message)
            case .verificationFailed: return APIError(.conflict, "verification-failed", failure.message)
            case .unavailable: return APIError(.serviceUnavailable, "unavailable", failure.message)
            case .alreadyExists: return APIError(.conflict, "exists", failure.message)
            case .error:
                // Errors of the store itself name its files: the detail goes to the log.
                if error is ApplicationError || error is JSONError || error is ProjectionError {
                    return APIError(.badRequest, "bad-request", failure.message)
                }
                logger.error("store error: \(failure.message)")
                return APIError(.internalServerError, "store", "the store could not be read or written; the detail is in the server's log")
            }
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
