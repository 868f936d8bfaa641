public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 client over a plain socket to 127.0.0.1, for the server tests: one request per
/// connection (`Connection: close`), or many on one kept-alive connection (`Session`), and
/// Server-Sent Events read line by line. It speaks only what `annals serve` answers (a length or
/// close-delimited body, or chunked for streams).
public struct HTTPProbe: Sendable {
    public let port: Int

    public init(port: Int) { self.port = port }

    /// A probe of the server that prints "annals: serving STORE on http://127.0.0.1:PORT/" on
    /// `output` (`annals serve --port 0`): waits for that line. Nil when the output ends first
    /// (the server exited) or the line names no port.
    public init?(servingLineOf output: FileHandle) {
        var line = Data()
        while !line.contains(0x0A) {
            let byte = output.readData(ofLength: 1)
            guard !byte.isEmpty else { return nil }
            line += byte
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let portText = text.split(separator: ":").last?.split(separator: "/").first, let port = Int(portText) else { return nil }
        self.port = port
    }

    /// A finished response.
    public struct Response: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: Data
        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The body as a JSON object (empty when it is not one).
        public var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        /// `error.code` of an error body.
        public var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }

        public init(status: Int, headers: [String: String], body: Data) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    public func request(_ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:],
                        json: Any? = nil, body: Data? = nil, timeout: Double = 30) throws -> Response {
        let connection = try Connection(port: port, timeout: timeout)
        defer { connection.close() }
        return try connection.exchange(method, path, token: token, headers: headers, json: json, body: body, keepAlive: false)
    }

    /// A client that keeps its connection open between requests (HTTP/1.1 keep-alive), as API
    /// clients do: for load runs, where a new connection per request would measure TCP set-up.
    /// Not for concurrent use: one session per client thread.
    public final class Session {
        private let probe: HTTPProbe
        private let timeout: Double
        private var connection: Connection?

        public init(_ probe: HTTPProbe, timeout: Double = 30) {
            self.probe = probe
            self.timeout = timeout
        }

        deinit { connection?.close() }

        /// Sends a request on the open connection (opening one when there is none); a connection the
        /// server closed is replaced for the next request.
        public func request(_ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:],
                            json: Any? = nil, body: Data? = nil) throws -> Response {
            let current = try connection ?? Connection(port: probe.port, timeout: timeout)
            connection = nil
            let response: Response
            do {
                response = try current.exchange(method, path, token: token, headers: headers, json: json, body: body, keepAlive: true)
            } catch {
                current.close()
                throw error
            }
            if response.headers["connection"]?.lowercased() == "close" { current.close() } else { connection = current }
            return response
        }
    }

    /// Sends a request that promises `declared` body bytes but sends only `sent` of them, then
    /// waits for the answer (a slow or stalled client).
    public func stalledRequest(_ method: String, _ path: String, token: String, declared: Int, sent: Int, timeout: Double = 30) throws -> Response {
        let connection = try Connection(port: port, timeout: timeout)
        defer { connection.close() }
        let head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(declared)\r\nContent-Type: application/json\r\n"
            + "Authorization: Bearer \(token)\r\n\r\n"
        try connection.send(Data(head.utf8) + Data(repeating: 0x20, count: sent))
        let (status, fields) = try connection.readHead()
        let body = try fields["content-length"].flatMap(Int.init).map { try connection.read(count: $0) } ?? Data()
        return Response(status: status, headers: fields, body: body)
    }

    /// Sends `size` body bytes chunked (no Content-Length), `chunkSize` a chunk, then reads the
    /// answer; a server that answers before the body ends may close the connection meanwhile,
    /// which stops the sending and is not an error.
    public func chunkedRequest(_ method: String, _ path: String, token: String, size: Int, chunkSize: Int = 64 << 10, timeout: Double = 30) throws -> Response {
        let connection = try Connection(port: port, timeout: timeout)
        defer { connection.close() }
        let head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
            + "Content-Type: application/json\r\nAuthorization: Bearer \(token)\r\n\r\n"
        try connection.send(Data(head.utf8))
        var remaining = size
        let chunk = Data(String(chunkSize, radix: 16).utf8) + Data("\r\n".utf8) + Data(repeating: 0x20, count: chunkSize) + Data("\r\n".utf8)
        // A server that refuses the body answers before reading it all: stop sending then, rather
        // than wait for a send that it will never read.
        while remaining > 0, try connection.sendUnlessAnswered(chunk) { remaining -= chunkSize }
        if remaining <= 0 { _ = try? connection.send(Data("0\r\n\r\n".utf8)) }
        let (status, fields) = try connection.readHead()
        let body = try fields["content-length"].flatMap(Int.init).map { try connection.read(count: $0) } ?? Data()
        return Response(status: status, headers: fields, body: body)
    }

    /// Opens `GET path` as an event stream and calls `event` with each event's id and data until it
    /// returns false, the stream ends, or `timeout` seconds pass with nothing read. Returns the status.
    @discardableResult
    public func events(_ path: String, token: String, headers: [String: String] = [:], timeout: Double = 10,
                       _ event: (_ id: String?, _ data: String) throws -> Bool) throws -> Int {
        let connection = try Connection(port: port, timeout: timeout)
        defer { connection.close() }
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer \(token)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        try connection.send(Data((head + "\r\n").utf8))
        let (status, fields) = try connection.readHead()
        guard status == 200 else { return status }
        let chunked = fields["transfer-encoding"]?.lowercased() == "chunked"
        var pending = Data(), id: String?, lines: [String] = []
        while true {
            guard let more = chunked ? try connection.readChunk() : try connection.readSome() else { return status }
            pending += more
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending = Data(pending[pending.index(after: newline)...])
                if line.isEmpty {
                    if !lines.isEmpty, try !event(id, lines.joined(separator: "\n")) { return status }
                    lines = []
                    id = nil
                } else if line.hasPrefix("id: ") {
                    id = String(line.dropFirst(4))
                } else if line.hasPrefix("data: ") {
                    lines.append(String(line.dropFirst(6)))
                }
            }
        }
    }
}

/// One TCP connection to 127.0.0.1 with a read timeout.
private final class Connection {
    /// Sends one request and reads its answer: a chunked, length-delimited or (without
    /// `keepAlive`) close-delimited body.
    func exchange(_ method: String, _ path: String, token: String?, headers: [String: String], json: Any?, body: Data?,
                  keepAlive: Bool) throws -> HTTPProbe.Response {
        var payload = body ?? Data()
        if let json { payload = try JSONSerialization.data(withJSONObject: json) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\nContent-Length: \(payload.count)\r\n"
        if json != nil { head += "Content-Type: application/json\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        try send(Data((head + "\r\n").utf8) + payload)
        let (status, fields) = try readHead()
        var data = Data()
        if fields["transfer-encoding"]?.lowercased() == "chunked" {
            while let chunk = try readChunk() { data += chunk }
        } else if let length = fields["content-length"].flatMap(Int.init) {
            data = try read(count: length)
        } else if keepAlive {
            throw ProbeError("an answer without a length on a kept-alive connection")
        } else {
            data = try readToEnd()
        }
        return HTTPProbe.Response(status: status, headers: fields, body: data)
    }

    private let socket: Int32
    private let timeout: Double
    private var buffer = Data()

    init(port: Int, timeout: Double) throws {
        self.timeout = timeout
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ProbeError("socket: errno \(errno)") }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(socket)
            throw ProbeError("connect to 127.0.0.1:\(port): errno \(errno)")
        }
    }

    func close() { Glibc.close(socket) }

    func send(_ data: Data) throws {
        var offset = 0
        while offset < data.count {
            let sent = data.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw ProbeError("send: errno \(errno)") }
            offset += sent
        }
    }

    /// Sends `data` unless the server answers (or closes) first: true when all of it was sent.
    func sendUnlessAnswered(_ data: Data) throws -> Bool {
        var offset = 0
        while offset < data.count {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN | POLLOUT), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(timeout, 3600) * 1000))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { throw ProbeError("the server neither read the body nor answered within \(timeout) s") }
            if descriptor.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { return false }
            let sent = data.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Reads what the socket has; nil at the end of the stream.
    func readSome() throws -> Data? {
        if !buffer.isEmpty {
            defer { buffer = Data() }
            return buffer
        }
        var bytes = [UInt8](repeating: 0, count: 65536)
        let count = Glibc.recv(socket, &bytes, bytes.count, 0)
        if count == 0 { return nil }
        guard count > 0 else { throw ProbeError("no answer within the time allowed (errno \(errno))") }
        return Data(bytes[0..<count])
    }

    func fill(_ needed: Int) throws {
        while buffer.count < needed {
            var bytes = [UInt8](repeating: 0, count: 65536)
            let count = Glibc.recv(socket, &bytes, bytes.count, 0)
            if count == 0 { throw ProbeError("the connection closed early") }
            guard count > 0 else { throw ProbeError("no answer within the time allowed (errno \(errno))") }
            buffer += bytes[0..<count]
        }
    }

    func readLine() throws -> String {
        while true {
            if let end = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<end], as: UTF8.self)
                buffer = Data(buffer[buffer.index(after: end)...])
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            try fill(buffer.count + 1)
        }
    }

    func read(count: Int) throws -> Data {
        try fill(count)
        let data = Data(buffer.prefix(count))
        buffer = Data(buffer.dropFirst(count))
        return data
    }

    func readToEnd() throws -> Data {
        var data = buffer
        buffer = Data()
        while let more = try readSome() { data += more }
        return data
    }

    func readHead() throws -> (Int, [String: String]) {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw ProbeError("not an HTTP answer: \(statusLine)") }
        var fields: [String: String] = [:]
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            if let colon = line.firstIndex(of: ":") {
                fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return (status, fields)
    }

    /// The next chunk of a chunked body; nil after the last.
    func readChunk() throws -> Data? {
        guard let size = Int(try readLine().split(separator: ";")[0], radix: 16) else { throw ProbeError("bad chunk size") }
        if size == 0 {
            _ = try? readLine()
            return nil
        }
        let data = try read(count: size)
        _ = try readLine()
        return data
    }
}

struct ProbeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
