public import AnnalsCore
import AnnalsProjections
public import AnnalsRecords

/// When a read looks, the same for the command line and the server. On the recorded axis, `asOf`
/// (a time) or `at` (a log position): the store as it was then. On the effective axis,
/// `effective`: each record as it stood at that time in its own timeline (each edit at the time it
/// took effect), as the store knew it at the recorded moment given, else now.
public struct ReadMoment: Sendable, Equatable {
    public var asOf: Timestamp?
    public var at: UInt64?
    public var effective: Timestamp?

    public init(asOf: Timestamp? = nil, at: UInt64? = nil, effective: Timestamp? = nil) {
        self.asOf = asOf
        self.at = at
        self.effective = effective
    }

    /// True when the read is of the store as it is now.
    public var isNow: Bool { asOf == nil && at == nil && effective == nil }
}

/// The two time axes a change between two times can be read on.
public enum TimeAxis: String, Sendable, CaseIterable {
    /// What the store said at each time.
    case recorded
    /// The records as they stood at each time in their own timelines, as known now.
    case effective
}

/// Which aggregate cells a query wants: a year, a family, a metric (which implies `quantity`).
public struct AggregateSelection: Sendable {
    public let year: Int?
    public let family: AggregateFamily?
    public let metric: String?

    /// Refuses an unknown family, naming the known ones.
    public init(year: Int? = nil, family: String? = nil, metric: String? = nil) throws {
        var chosen: AggregateFamily?
        if let family {
            guard let known = AggregateFamily(rawValue: family) else {
                throw ApplicationError("unknown family \"\(family)\": use \(AggregateFamily.names)")
            }
            chosen = known
        }
        self.year = year
        self.family = metric != nil ? .quantity : chosen
        self.metric = metric
    }

    func keeps(_ key: AggregateKey) -> Bool { metric == nil || key.dimensions.first == metric }

    /// The edits family counts edits by the year they were recorded: it has no effective form.
    func requireRecordedOnly(_ effective: Bool) throws {
        if effective, let refusal = family?.effectiveRefusal {
            throw ApplicationError(refusal)
        }
    }
}

extension AnnalsService {
    /// The log position the store had reached at `moment`'s recorded time (nil: now).
    private func knownPosition(_ moment: ReadMoment) throws -> UInt64? {
        try moment.at ?? moment.asOf.map { try store.position(at: $0) }
    }

    /// The record as `moment` says; nil when it did not exist then (or does not exist at all).
    public func record(_ id: RecordID, at moment: ReadMoment) throws -> RecordState? {
        let known = try knownPosition(moment)
        if let effective = moment.effective { return try RecordTimeline(store).record(id, effective: effective, asOf: known ?? .max) }
        if let known { return try RecordTimeline(store).record(id, asOf: known) }
        return try RecordsReader(store).record(id)
    }

    /// The per-year aggregates `selection` wants, as `moment` says.
    public func aggregates(_ selection: AggregateSelection, at moment: ReadMoment) throws -> [AggregateRow] {
        try selection.requireRecordedOnly(moment.effective != nil)
        let rows: [AggregateRow]
        if let effective = moment.effective {
            rows = try AggregatesReader(store).cells(effective: effective, asOf: try knownPosition(moment) ?? .max, year: selection.year, family: selection.family)
        } else if let known = try knownPosition(moment) {
            rows = try AggregatesReader(store).cells(asOf: known, year: selection.year, family: selection.family)
        } else {
            rows = try AggregatesReader(store).cells(year: selection.year, family: selection.family)
        }
        return rows.filter { selection.keeps($0.key) }
    }

    /// The cells `selection` wants that changed between two times, on `axis`.
    public func aggregateChanges(_ selection: AggregateSelection, from first: Timestamp, to second: Timestamp, axis: TimeAxis) throws -> [AggregateChange] {
        try selection.requireRecordedOnly(axis == .effective)
        let changes = switch axis {
        case .recorded:
            try AggregatesReader(store).changes(from: store.position(at: first), to: store.position(at: second), year: selection.year, family: selection.family)
        case .effective:
            try AggregatesReader(store).changes(effectiveFrom: first, to: second, year: selection.year, family: selection.family)
        }
        return changes.filter { selection.keeps($0.key) }
    }
}

extension AnnalsService {
    /// Records of one type matching `filter`, by year then id.
    public func list(_ type: RecordType, filter: RecordFilter = RecordFilter()) throws -> [RecordState] {
        try RecordsReader(store).list(type, filter: filter)
    }

    /// Live records holding every word of `text`, ignoring case and diacritics.
    public func find(_ text: String, limit: Int = .max) throws -> [RecordState] {
        try SearchReader(store).find(text, limit: limit)
    }

    /// The record's version now (nil: no such record).
    public func currentVersion(of id: RecordID) throws -> UInt64? {
        try RecordsReader(store).record(id)?.version
    }

    /// The record's edits, oldest first, read in the current schema; an unknown record is
    /// `RecordError.unknownRecord`.
    public func history(of id: RecordID) throws -> [AuditEntry] {
        let events = try store.events.readStream(id.streamID)
        guard !events.isEmpty else { throw RecordError.unknownRecord(id: id.rawValue) }
        return events.map(AuditEntry.init)
    }

    /// The record's events exactly as stored, in the schema each was written in (none: no such
    /// record).
    public func storedHistory(of id: RecordID) throws -> [RecordedEvent] {
        try store.log.readStream(id.streamID)
    }

    /// For each field of the record, the edit that last set it; an unknown record is
    /// `RecordError.unknownRecord`.
    public func blame(_ id: RecordID) throws -> [BlameLine] {
        try AuditReader(store).blame(id)
    }

    /// Edits matching `filter`, newest first.
    public func audit(_ filter: AuditFilter) throws -> [AuditEntry] {
        try AuditReader(store).edits(filter)
    }

    /// How many records of `type` the store holds (retracted ones included).
    public func count(_ type: RecordType) throws -> Int {
        try RecordsReader(store).count(type)
    }

    /// The last log position recorded at or before `time` (0 when none).
    public func position(at time: Timestamp) throws -> UInt64 {
        try store.position(at: time)
    }

    /// How many events of the log the projections have not applied yet (after a log-only writer).
    public func lag() throws -> UInt64 {
        try store.projections.lag()
    }

    /// Up to `limit` events of the log from `position` on, exactly as stored (what the live log
    /// and an export send).
    public func storedEvents(from position: UInt64, limit: Int) throws -> [RecordedEvent] {
        try store.log.readLog(from: position, limit: limit)
    }
}