import AnnalsApplication
import AnnalsCore
import AnnalsRecords
import Foundation
import Hummingbird
import NIOCore

/// JSON answers, encoded as the CLI's `--json` (keys sorted, slashes unescaped).
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// A record's version as an entity tag: `"3"`.
    static func etag(_ version: UInt64) -> String { "\"\(version)\"" }
}

/// Reading what a request names: the record id after a route's prefix, query values, times.
extension Request {
    /// The record id a catch-all route names, its slashes as they are
    /// (`/records/article/baolangson.vn/476767`) or percent-encoded as a client generated from the
    /// API description sends a path parameter (`/records/article%2Fbaolangson.vn%2F476767`). The
    /// decoded id is then checked like any other, so `%2E%2E` is refused as `..` is.
    func recordID(_ context: APIContext) throws -> RecordID {
        let raw = context.parameters.getCatchAll().joined(separator: "/")
        guard let id = raw.removingPercentEncoding else {
            throw APIError.badRequest("invalid id \"\(raw)\": a percent sign must start an escape such as %2F; give the id as article/baolangson.vn/476767")
        }
        do { return try RecordID(id) } catch {
            throw APIError.badRequest("\(error)")
        }
    }

    /// A query value, when given; given empty or twice, 400.
    func query(_ name: String) throws -> String? {
        let values = uri.queryParameters.getAll(name)
        if values.count > 1 { throw APIError.badRequest("give \(name) once, not \(values.count) times") }
        if values.first?.isEmpty == true { throw APIError.badRequest("\(name) is empty: give a value, or leave it out") }
        return values.first
    }

    func intQuery(_ name: String) throws -> Int? {
        guard let text = try query(name) else { return nil }
        guard let value = Int(text), value >= 0 else { throw APIError.badRequest("\(name) \"\(text)\" is not a whole number of zero or more") }
        return value
    }

    /// A time query (`as-of`, `since`, `effective`), UTC unless it has an offset; `end` takes the
    /// last moment of the day, minute or second it names.
    func timeQuery(_ name: String, end: Bool) throws -> Timestamp? {
        guard let text = try query(name) else { return nil }
        guard let moment = QueryTime.moment(text, end: end) else { throw APIError.badRequest(QueryTime.problem(text, option: name)) }
        return moment
    }

    /// The version an edit expects, from `If-Match: "3"` (428 when missing: an edit must say which
    /// version it read).
    func expectedVersion() throws -> UInt64 {
        guard let header = headers[.ifMatch] else {
            throw APIError(.preconditionRequired, "if-match-required",
                           "give If-Match with the version you read (the ETag of GET /records/ID), so an edit made meanwhile is not overwritten")
        }
        let text = header.trimmingCharacters(in: .whitespaces)
        // RFC 9110 §13.1.1: If-Match uses the strong comparison, so a weak tag never matches.
        if text.hasPrefix("W/") {
            throw APIError(.preconditionFailed, "conflict",
                           "If-Match \(header) is a weak entity tag, which never matches (RFC 9110 strong comparison): give the ETag as read, such as \"3\"")
        }
        let quoted = text.count >= 3 && text.first == "\"" && text.last == "\""
        guard let version = UInt64(quoted ? String(text.dropFirst().dropLast()) : text) else {
            throw APIError.badRequest("If-Match \(header) is not a record version such as \"3\"")
        }
        return version
    }
}

/// The edit context of a request: the actor is the authenticated user, never a field of the
/// request; the reason and effective time come from the body.
extension APIContext {
    func editContext(_ body: JSONValue) throws -> EditContext {
        guard let user else { throw APIError.unauthorized("give Authorization: Bearer TOKEN") }
        if body["actor"] != nil || body["account"] != nil {
            throw APIError.badRequest("the actor of an edit is the authenticated user (\(user.name)); remove \"actor\" from the body")
        }
        guard case .object = body else { throw APIError.badRequest("the body must be a JSON object") }
        var effective: Timestamp?
        switch body["effective"] {
        case nil: break
        case .string(let text)?:
            guard let moment = QueryTime.moment(text) else { throw APIError.badRequest(QueryTime.problem(text, option: "effective")) }
            effective = moment
        default: throw APIError.badRequest("invalid field \"effective\": give the time as text, such as 2022-03-15")
        }
        if let reason = body["reason"], reason.stringValue == nil {
            throw APIError.badRequest("invalid field \"reason\": give the reason as text")
        }
        // Checked here, as the log would check it, so that an edit with nothing to write (enabling
        // an enabled user) refuses a bad reason too, whatever the store's state.
        if let reason = body["reason"]?.stringValue {
            if let bad = reason.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
                throw APIError(.badRequest, "invalid-field",
                               "invalid field \"reason\": it holds the control character U+\(String(format: "%04X", bad.value)); write the reason on one line without control characters")
            }
            let bytes = reason.precomposedStringWithCanonicalMapping.utf8.count
            if bytes > EventValidation.maxReasonBytes {
                throw APIError(.badRequest, "invalid-field",
                               "invalid field \"reason\": it is \(bytes) bytes, and a reason holds at most \(EventValidation.maxReasonBytes); say it shorter, or point at a document")
            }
        }
        return EditContext(actor: user.name, reason: body["reason"]?.stringValue, correlationID: .random(), effectiveAt: effective)
    }
}
