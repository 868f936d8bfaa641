import AnnalsApplication
public import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// The request context of the API: the authenticated user, once the auth middleware has proven
/// who it is, and the client's address (for slowing repeated failed logins).
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware`; every route that needs it has passed through it.
    var user: UserAccount?
    /// The client's IP address, or "unknown".
    let client: String
    /// Who the request proved to be, for the request log, which wraps the middleware that proves it.
    let identity = NIOLockedValueBox<String?>(nil)

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Bodies are read by the routes themselves, with the server's limit (`ServerConfiguration`).
    public var maxUploadSize: Int { ServerConfiguration.defaultMaxBodyBytes }
}
