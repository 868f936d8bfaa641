public import AnnalsCore
public import AnnalsRecords

/// A batch of events as every projection sees it, computed once and shared: the events in
/// the current schema, each record change with the record's state just before and just after it,
/// and each touched record's state before the batch and after it.
public struct ProjectionBatch: Sendable {
    /// One event that changed a record. A class: every projection reads each change, and a
    /// reference is passed on with one count where a struct of its many strings and arrays took one each.
    public final class Change: DerivedAhead, Sendable {
        public let event: RecordedEvent
        public let kind: EditKind
        public let id: RecordID
        /// The record's state just before this event (nil before its create).
        public let before: RecordState?
        public let after: RecordState
        /// The record's number: the log position of its create.
        public let number: UInt64
        /// What each projection derived ahead from `after` (a create): see `Projection.prepare`.
        public let derived: DerivedData?

        init(event: RecordedEvent, kind: EditKind, id: RecordID, before: RecordState?, after: RecordState, number: UInt64,
             derived: DerivedData?) {
            self.event = event
            self.kind = kind
            self.id = id
            self.before = before
            self.after = after
            self.number = number
            self.derived = derived
        }
    }

    /// A record the batch changed (a class, as `Change` is).
    public final class TouchedRecord: DerivedAhead, Sendable {
        public let id: RecordID
        /// Its state before the batch (nil when the batch created it).
        public let before: RecordState?
        public let after: RecordState
        public let number: UInt64
        /// What each projection derived ahead from `after`: set when the batch created the record
        /// and changed it no more (nil after a later change of the batch; see `creation`).
        public let derived: DerivedData?
        /// The change that created the record, when the batch did: what it derived still serves
        /// when later changes of the batch left the fields it was derived from alone.
        public let creation: Change?

        init(id: RecordID, before: RecordState?, after: RecordState, number: UInt64, derived: DerivedData?, creation: Change?) {
            self.id = id
            self.before = before
            self.after = after
            self.number = number
            self.derived = derived
            self.creation = creation
        }
    }

    /// Every event of the batch, upcast, in log order (events that change no record included).
    public let events: [RecordedEvent]
    /// The events that changed a record, in log order.
    public let changes: [Change]
    /// The records changed, in id order (the order their keys sort in).
    public let records: [TouchedRecord]

    /// Builds the batch. `stateBefore` reads a record's state and number as the records
    /// projection holds them before the batch (in the generation being written).
    static func build(_ prepared: [PreparedEvent],
                      stateBefore: (RecordID) throws -> (state: RecordState, number: UInt64)?) throws -> ProjectionBatch {
        /// A touched record as the batch goes: its state before the batch, its state now.
        struct Touched {
            let id: RecordID
            let before: RecordState?
            var now: RecordState?
            let number: UInt64
            var derived: DerivedData?
            var creation: Change?
        }
        var changes: [Change] = []
        changes.reserveCapacity(prepared.count)
        // Each touched record once, in the order first touched; `slots` finds it by id.
        var touched: [Touched] = [], slots: [RecordID: Int] = [:]
        touched.reserveCapacity(prepared.count)
        slots.reserveCapacity(prepared.count)
        for item in prepared {
            let event = item.event
            guard let kind = item.kind, let id = try? RecordID(event.stream.rawValue) else { continue }
            let slot: Int
            if let known = slots[id] {
                slot = known
            } else {
                // A stream's first event has no state before it to read (most of a rebuild's records).
                let before = event.streamVersion == 1 ? nil : try stateBefore(id)
                slot = touched.count
                slots[id] = slot
                touched.append(Touched(id: id, before: before?.state, now: before?.state, number: before?.number ?? event.position, derived: nil,
                                       creation: nil))
            }
            // Read in place: a copy of the entry would count a reference to each string of its states.
            let number = touched[slot].number
            let change: Change
            if touched[slot].now == nil, let created = item.created {
                change = Change(event: event, kind: kind, id: id, before: nil, after: created.state, number: number, derived: created.derived)
            } else {
                guard let after = try RecordState.apply(event, payload: item.parsedPayload(), to: touched[slot].now) else { continue }
                change = Change(event: event, kind: kind, id: id, before: touched[slot].now, after: after, number: number, derived: nil)
            }
            changes.append(change)
            touched[slot].now = change.after
            touched[slot].derived = change.derived
            if change.before == nil { touched[slot].creation = change }
        }
        // Sorting the slots, not the records: a state is large to move, an index is not.
        let ids = touched.map(\.id.rawValue)
        // An id is ASCII (`RecordID`'s rule), and `String` orders ASCII text by its bytes, with
        // `memcmp`: the order LMDB keeps the records' keys in.
        let order = ids.indices.sorted { ids[$0] < ids[$1] }
        let records = order.compactMap { slot in
            let record = touched[slot]
            return record.now.map {
                TouchedRecord(id: record.id, before: record.before, after: $0, number: record.number, derived: record.derived, creation: record.creation)
            }
        }
        return ProjectionBatch(events: prepared.map(\.event), changes: changes, records: records)
    }
}

/// What the projections derived ahead from a new record's state (`Projection.prepare`), by
/// projection. A few entries, found by comparing names: a dictionary hashed each name per create.
public struct DerivedData: Sendable {
    private var entries: [(projection: ProjectionName, data: any Sendable)] = []

    init(capacity: Int) { entries.reserveCapacity(capacity) }

    mutating func set(_ data: any Sendable, for projection: ProjectionName) {
        if let known = entries.firstIndex(where: { $0.projection == projection }) {
            entries[known].data = data
        } else {
            entries.append((projection, data))
        }
    }

    /// What `projection` derived, or nil when it derived nothing.
    public subscript(projection: ProjectionName) -> (any Sendable)? { entries.first { $0.projection == projection }?.data }
}

/// A part of a batch that may carry what projections derived ahead from a new record's state
/// (`Projection.prepare`): a change, or a touched record.
public protocol DerivedAhead {
    /// What each projection derived, by projection; nil when nothing was derived ahead.
    var derived: DerivedData? { get }
}

extension DerivedAhead {
    /// What `projection` derived ahead, when it did and as the type it derived.
    public func derived<T>(by projection: ProjectionName, as: T.Type) -> T? { derived?[projection] as? T }
}
