import Hummingbird
import NIOCore

/// The history browser (`/`, its script and style) and the API description (`/openapi.yaml`),
/// served from the binary without authentication: the page asks for a token and sends it with
/// each API call. No build step and nothing from a CDN.
struct BrowserRoutes {
    func register(_ router: Router<APIContext>) {
        router.get("/") { _, _ in try asset("/index.html") }
        for path in BrowserAssets.files.keys {
            router.get(RouterPath(path)) { _, _ in try asset(path) }
        }
        router.get("/health") { _, _ in Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
    }

    func asset(_ path: String) throws -> Response {
        guard let file = BrowserAssets.files[path] else { throw APIError.notFound("no such file") }
        return Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "no-cache",
                                               .contentSecurityPolicy: "default-src 'self'; style-src 'self'; script-src 'self'"],
                        body: .init(byteBuffer: ByteBuffer(string: file.text)))
    }
}
