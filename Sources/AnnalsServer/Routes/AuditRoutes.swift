import AnnalsApplication
import AnnalsCore
import AnnalsRecords
import Hummingbird

/// Who changed what: the audit trail across records and users, and the per-year aggregates on
/// both time axes.
struct AuditRoutes {
    let gate: StoreGate

    func register(readers: RouterGroup<APIContext>, auditors: RouterGroup<APIContext>) {
        readers.get("/aggregates") { request, _ in try await aggregates(request) }
        readers.get("/stats") { _, _ in try JSONResponse.make(try await gate.run { try $0.stats() }) }
        auditors.get("/audit") { request, _ in try await audit(request) }
    }

    /// `GET /audit?actor=&record=&since=&until=&kind=&limit=`: edits, newest first (limit default
    /// 100, at most 10,000).
    func audit(_ request: Request) async throws -> Response {
        let kind = try request.query("kind").map { name in
            guard let match = EditKind(verb: name) else {
                throw APIError.badRequest("unknown kind \"\(name)\": use \(EditKind.verbs.joined(separator: ", "))")
            }
            return match
        }
        let record = try request.query("record").map { text in
            do { return try RecordID(text) } catch { throw APIError.badRequest("\(error)") }
        }
        let filter = AuditFilter(actor: try request.query("actor"), record: record, since: try request.timeQuery("since", end: false),
                                 until: try request.timeQuery("until", end: true), kind: kind,
                                 limit: min(try request.intQuery("limit") ?? 100, 10_000))
        let edits = try await gate.run { try $0.audit(filter).map(EditView.init) }
        return try JSONResponse.make(EditList(edits: edits))
    }

    /// `GET /aggregates?year=&family=&metric=` now; `as-of=T` (recorded axis), `effective=T`
    /// (effective axis, with `as-of`: as believed then); `from=T1&to=T2` what changed between two
    /// times, `axis=recorded|effective`.
    func aggregates(_ request: Request) async throws -> Response {
        let selection = try AggregateSelection(year: try request.intQuery("year"), family: try request.query("family"), metric: try request.query("metric"))
        let asOf = try request.timeQuery("as-of", end: true), effective = try request.timeQuery("effective", end: true)
        let from = try request.timeQuery("from", end: true), to = try request.timeQuery("to", end: true)
        let axisText = try request.query("axis") ?? "recorded"
        guard let axis = TimeAxis(rawValue: axisText) else { throw APIError.badRequest("axis \"\(axisText)\": use recorded or effective") }
        if from != nil || to != nil {
            guard let from, let to else { throw APIError.badRequest("give both from and to for the change between two times") }
            let changes = try await gate.run { try $0.aggregateChanges(selection, from: from, to: to, axis: axis).map(AggregateChangeView.init) }
            return try JSONResponse.make(AggregateChangeList(changes: changes))
        }
        let moment = ReadMoment(asOf: asOf, effective: effective)
        let rows = try await gate.run { try $0.aggregates(selection, at: moment).map(AggregateRowView.init) }
        return try JSONResponse.make(AggregateRowList(rows: rows))
    }
}

/// One aggregate cell: family, year, dimensions, the number of records behind it, the exact sum.
struct AggregateRowView: Encodable, Sendable {
    let family: String
    let year: Int
    let dimensions: [String]
    let count: Int64
    let sum: String

    init(_ row: AggregateRow) {
        family = row.key.family
        year = row.key.year
        dimensions = row.key.dimensions
        count = row.value.count
        sum = row.value.sum.description
    }
}

/// One cell that moved between two times.
struct AggregateChangeView: Encodable, Sendable {
    let family: String
    let year: Int
    let dimensions: [String]
    let before: Cell
    let after: Cell

    struct Cell: Encodable, Sendable {
        let count: Int64
        let sum: String
    }

    init(_ change: AggregateChange) {
        family = change.key.family
        year = change.key.year
        dimensions = change.key.dimensions
        before = Cell(count: change.before.count, sum: change.before.sum.description)
        after = Cell(count: change.after.count, sum: change.after.sum.description)
    }
}

struct AggregateRowList: Encodable, Sendable { let rows: [AggregateRowView] }
struct AggregateChangeList: Encodable, Sendable { let changes: [AggregateChangeView] }
