import AnnalsApplication
import AnnalsCore
import AnnalsRecords
import Hummingbird

/// Records: read (with the past on both time axes), list, search, and every edit. Edits name the
/// version they read in `If-Match`; a stale one gets 412 with the current version.
struct RecordRoutes {
    let gate: StoreGate
    let configuration: ServerConfiguration

    func register(readers: RouterGroup<APIContext>, editors: RouterGroup<APIContext>, historians: RouterGroup<APIContext>) {
        readers.get("/records/**") { request, context in try await show(request, context) }
        readers.get("/records") { request, _ in try await list(request) }
        readers.get("/search") { request, _ in try await search(request) }
        editors.post("/records") { request, context in try await create(request, context) }
        editors.patch("/records/**") { request, context in try await correct(request, context) }
        editors.post("/retract/**") { request, context in try await retractOrRestore(request, context, restore: false) }
        editors.post("/restore/**") { request, context in try await retractOrRestore(request, context, restore: true) }
        editors.post("/links") { request, context in try await link(request, context, unlink: false) }
        editors.post("/unlinks") { request, context in try await link(request, context, unlink: true) }
        historians.get("/history/**") { request, context in try await history(request, context) }
        historians.get("/blame/**") { request, context in try await blame(request, context) }
    }

    /// `GET /records/ID`: now, `?as-of=T` or `?at=POSITION` (as the store knew it), `?effective=T`
    /// (as it stood then in its own timeline; with as-of or at, as believed then). ETag: version.
    func show(_ request: Request, _ context: APIContext) async throws -> Response {
        let id = try request.recordID(context)
        let asOf = try request.timeQuery("as-of", end: true), at = try request.intQuery("at").map(UInt64.init)
        let effective = try request.timeQuery("effective", end: true)
        let moment = ReadMoment(asOf: asOf, at: at, effective: effective)
        let state = try await gate.run { try $0.record(id, at: moment) }
        guard let state else { throw APIError.notFound("no record \(id) \(moment.isNow ? "; check the id with /search" : "at that time")") }
        return try JSONResponse.make(RecordView(state), headers: [.eTag: JSONResponse.etag(state.version)])
    }

    /// `GET /records?type=article|event` with the CLI's filters: year, source, category, kind,
    /// counterpart, retracted (true, false, all), limit (default 100, at most 1,000).
    func list(_ request: Request) async throws -> Response {
        guard let type = try request.query("type").flatMap(RecordType.init(word:)) else {
            throw APIError.badRequest("give type=article or type=event")
        }
        let retracted: Bool?
        switch try request.query("retracted") ?? "false" {
        case "false": retracted = false
        case "true": retracted = true
        case "all": retracted = nil
        case let other: throw APIError.badRequest("retracted \"\(other)\": use true, false or all")
        }
        let filter = RecordFilter(year: try request.intQuery("year"), source: try request.query("source"), category: try request.query("category"),
                                  kind: try request.query("kind"), counterpart: try request.query("counterpart"), retracted: retracted,
                                  limit: min(try request.intQuery("limit") ?? 100, 1_000))
        let views = try await gate.run { try $0.list(type, filter: filter).map(RecordView.init) }
        return try JSONResponse.make(RecordList(records: views))
    }

    /// `GET /search?q=hoi nghi` — every word, without diacritics; `limit` as for lists.
    func search(_ request: Request) async throws -> Response {
        guard let text = try request.query("q") else { throw APIError.badRequest("give q, the words to find (diacritics optional)") }
        let limit = min(try request.intQuery("limit") ?? 100, 1_000)
        let views = try await gate.run { try $0.find(text, limit: limit).map(RecordView.init) }
        return try JSONResponse.make(RecordList(records: views))
    }

    /// `POST /records` `{"type": "event", "record": {…}, "reason": "…", "effective": "…"}` → 201.
    func create(_ request: Request, _ context: APIContext) async throws -> Response {
        let body = try await RequestBody.json(request, configuration, fields: ["type", "record", "reason", "effective"])
        let edit = try context.editContext(body)
        guard case .object(var members)? = body["record"] else { throw APIError.badRequest("give the record as an object in \"record\"") }
        guard let type = body["type"]?.stringValue.flatMap(RecordType.init(word:)) else {
            throw APIError.badRequest("give \"type\": \"article\" or \"event\"")
        }
        members["recordType"] = .string(type.rawValue)
        let (record, links) = try RecordInput.record(from: .object(members))
        guard links.isEmpty else { throw APIError.badRequest("links are made with POST /links after the create; remove them from the record") }
        let result = try await gate.edit { try $0.create(record, context: edit) }
        return try JSONResponse.make(result, status: .created, headers: [.eTag: JSONResponse.etag(result.version), .location: "/records/\(result.id)"])
    }

    /// `PATCH /records/ID` `{"set": {"quantities[0].value": "1108745", "place": null}, "reason": …}`
    /// with `If-Match`; null removes an optional field.
    func correct(_ request: Request, _ context: APIContext) async throws -> Response {
        let id = try request.recordID(context)
        let expected = try request.expectedVersion()
        let body = try await RequestBody.json(request, configuration, fields: ["set", "reason", "effective"])
        let edit = try context.editContext(body)
        guard case .object(let fields)? = body["set"], !fields.isEmpty else {
            throw APIError.badRequest("give the fields to change in \"set\": {\"field\": new value}")
        }
        let values = try fields.sorted { $0.key < $1.key }.map { key, value -> (FieldPath, JSONValue?) in
            (try FieldPath(key), value == .null ? nil : value)
        }
        return try await answer(id, expected) { try $0.correct(id, values: values, expectedVersion: expected, context: edit) }
    }

    /// `POST /retract/ID`, `POST /restore/ID` `{"reason": …}` with `If-Match`.
    func retractOrRestore(_ request: Request, _ context: APIContext, restore: Bool) async throws -> Response {
        let id = try request.recordID(context)
        let expected = try request.expectedVersion()
        let edit = try context.editContext(try await RequestBody.json(request, configuration, fields: ["reason", "effective"]))
        return try await answer(id, expected) { service in
            restore ? try service.restore(id, expectedVersion: expected, context: edit) : try service.retract(id, expectedVersion: expected, context: edit)
        }
    }

    /// Runs an edit; a version conflict answers 412 with the record's current version.
    private func answer(_ id: RecordID, _ expected: UInt64, _ body: @escaping @Sendable (AnnalsService) throws -> EditResult) async throws -> Response {
        do {
            let result = try await gate.edit(body)
            return try JSONResponse.make(result, headers: [.eTag: JSONResponse.etag(result.version)])
        } catch let error where Failure(error)?.kind == .conflict {
            let current = try await gate.run { try $0.currentVersion(of: id) }
            var refusal = APIError(.preconditionFailed, "stale-version",
                                   "\(id) is at version \(current.map(String.init) ?? "?"), not \(expected): someone edited it first; read it again and retry")
            if let current {
                refusal.headers[.eTag] = JSONResponse.etag(current)
                refusal.extra["currentVersion"] = .integer(Int64(current))
            }
            throw refusal
        }
    }

    /// `POST /links` (or `/unlinks`) `{"article": "article/…", "event": "event/…", "reason": …}`.
    func link(_ request: Request, _ context: APIContext, unlink: Bool) async throws -> Response {
        let body = try await RequestBody.json(request, configuration, fields: ["article", "event", "reason", "effective"])
        let edit = try context.editContext(body)
        guard let articleText = body["article"]?.stringValue, let eventText = body["event"]?.stringValue else {
            throw APIError.badRequest("give \"article\" and \"event\" ids")
        }
        let article = try RecordID(articleText), event = try RecordID(eventText)
        let result = try await gate.edit { try $0.link(article: article, event: event, unlink: unlink, context: edit) }
        return try JSONResponse.make(result)
    }

    /// `GET /history/ID`: every version, oldest first, with field diffs, who, when (both times), why.
    func history(_ request: Request, _ context: APIContext) async throws -> Response {
        let id = try request.recordID(context)
        let edits = try await gate.run { try $0.history(of: id).map(EditView.init) }
        return try JSONResponse.make(EditList(edits: edits))
    }

    /// `GET /blame/ID`: per field, who last set it, when and why.
    func blame(_ request: Request, _ context: APIContext) async throws -> Response {
        let id = try request.recordID(context)
        let lines = try await gate.run { try $0.blame(id).map(BlameView.init) }
        return try JSONResponse.make(BlameList(fields: lines))
    }
}

struct RecordList: Encodable, Sendable { let records: [RecordView] }
struct EditList: Encodable, Sendable { let edits: [EditView] }
struct BlameList: Encodable, Sendable { let fields: [BlameView] }
