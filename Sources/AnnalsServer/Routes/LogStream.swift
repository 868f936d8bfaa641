import AnnalsApplication
import AnnalsCore
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `GET /log?from=POSITION`: the log as Server-Sent Events, each event as it commits, as
/// `id: POSITION` and `data: EXPORT-LINE` (the line `annals export` writes: as stored, hash
/// included, so a subscriber can check the chain). A
/// client that reconnects with `Last-Event-ID` resumes after that position. Each subscriber reads
/// the log at its own pace, at most 100 events per read, and writes wait for the client
/// (backpressure): a slow reader is never dropped and holds at most one batch in memory.
struct LogStream {
    let gate: StoreGate
    /// How late a subscriber sees an event another process appended; the server's own commits are
    /// announced and sent at once.
    var idle: Duration = .milliseconds(100)
    /// After an announcement, how long a subscriber lets further commits gather before it reads:
    /// under a stream of commits each subscriber reads the store at most every `settle`, not once
    /// per commit, so subscribers cannot crowd the edits out of the store's one thread.
    var settle: Duration = .milliseconds(10)
    static let batch = 100
    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    func register(auditors: RouterGroup<APIContext>) {
        auditors.get("/log") { request, _ in try await subscribe(request) }
    }

    func subscribe(_ request: Request) async throws -> Response {
        let start: UInt64
        // `from` is checked even when Last-Event-ID wins, so a bad one is refused either way.
        let from = try request.intQuery("from")
        if let last = request.headers[LogStream.lastEventID] {
            // At most Int64.max, as positions are: the next position is then never past UInt64.max.
            guard let position = UInt64(last.trimmingCharacters(in: .whitespaces)), position < UInt64(Int64.max) else {
                throw APIError.badRequest("Last-Event-ID \"\(last)\" is not a log position: give the id of the last event received, such as 42")
            }
            start = position + 1
        } else {
            start = max(1, UInt64(from ?? 1))
        }
        let gate = self.gate, idle = self.idle, settle = self.settle
        let body = ResponseBody { writer in
            var next = start, idleTurns = 0
            // Tell the client how long to wait before reconnecting.
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            // Ends when the client goes (a write fails), or the server shuts down. A failed write
            // ends it with its error.
            try await LogPacing(idle: idle, settle: settle, news: gate.news).run(stop: { Task.isShuttingDownGracefully }) {
                let from = next
                let lines = try await gate.run { service in
                    try service.storedEvents(from: from, limit: LogStream.batch).map { ($0.position, try $0.exportLine()) }
                }
                for (position, line) in lines {
                    try await writer.write(ByteBuffer(string: "id: \(position)\ndata: \(line)\n\n"))
                    next = position + 1
                }
                guard lines.count < LogStream.batch else {
                    idleTurns = 0
                    return false
                }
                idleTurns += 1
                // A comment now and then finds a client that went away.
                if idleTurns % 20 == 0 { try await writer.write(ByteBuffer(string: ": waiting at \(next)\n\n")) }
                return true
            } failed: { error in throw error }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
