import Foundation
import Hummingbird
import Logging

/// One log line per request, through swift-log: method, route (the template, not the path, so
/// record ids stay out of the log's keys), status, duration and the authenticated user.
struct RequestLog: RouterMiddleware {
    typealias Context = APIContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "route": .string(context.endpointPath ?? "(none)"),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.1f", milliseconds)),
            "user": .string(context.identity.withLockedValue { $0 } ?? "-"),
            "client": .string(context.client),
        ])
        return response
    }
}
