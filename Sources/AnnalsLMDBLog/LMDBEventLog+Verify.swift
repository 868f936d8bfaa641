public import AnnalsCore
import AnnalsLMDB

extension LMDBEventLog {
    /// Walks the log up to the head it finds at the start, in chunks of short read transactions
    /// (writers may keep appending), and reports the first problem:
    /// 1. every position from 1 to the head holds a decodable record carrying that position, whose
    ///    hash is SHA-256(previous hash ‖ stored record bytes) and whose time does not go back;
    /// 2. the event-id index and the stream index map each event's id and (stream, version) to it;
    /// 3. the head stored in meta matches the last event;
    /// 4. the stream index holds exactly one entry per event and its versions are gapless from 1
    ///    per stream; the id index holds exactly one entry per event.
    public func verify() throws -> VerificationReport {
        let head = try self.head()
        let chunk = 4096
        var previousHash = LogHead.empty.hash
        var previousTime = Timestamp(microsecondsSinceEpoch: .min)
        var expected: UInt64 = 1

        func report(_ position: UInt64, _ kind: VerificationProblem.Kind, _ detail: String) -> VerificationReport {
            VerificationReport(head: head, eventsChecked: position > 0 ? position - 1 : 0,
                               problem: VerificationProblem(position: position, kind: kind, detail: detail))
        }

        while expected <= head.position {
            let problem: VerificationReport? = try environment.read { txn in
                var found: VerificationReport?
                let stop = min(head.position, expected + UInt64(chunk) - 1)
                try txn.scan(events, from: positionKey(expected), to: positionKey(stop + 1)) { entry in
                    let position = decodeUInt64(entry.key[...]) ?? 0
                    guard position == expected else {
                        found = report(expected, .missingEvent, "no event stored at this position (next is \(position))")
                        return false
                    }
                    let event: RecordedEvent
                    do {
                        event = try RecordCodec.decode(value: entry.value, position: position)
                    } catch {
                        found = report(position, .undecodable, "\(error)")
                        return false
                    }
                    guard event.position == position else {
                        found = report(position, .positionMismatch, "the record says position \(event.position)")
                        return false
                    }
                    let computed = RecordCodec.chainHash(previous: previousHash, record: Array(entry.value[RecordCodec.hashSize...]))
                    guard computed == event.hash else {
                        found = report(position, .hashMismatch, "stored \(event.hash.hexString), computed \(computed.hexString)")
                        return false
                    }
                    guard event.recordedAt >= previousTime else {
                        found = report(position, .timeWentBackwards, "\(event.recordedAt) is before \(previousTime)")
                        return false
                    }
                    guard event.streamVersion >= 1,
                          try txn.get(streams, Self.streamKey(event.stream, event.streamVersion)) == entry.key else {
                        found = report(position, .streamIndex, "(\(event.stream), version \(event.streamVersion)) does not point at this event")
                        return false
                    }
                    guard try txn.get(ids, Self.idKey(event.id)) == entry.key else {
                        found = report(position, .idIndex, "event id \(event.id.uuidString) does not point at this event")
                        return false
                    }
                    previousHash = computed
                    previousTime = event.recordedAt
                    expected += 1
                    return true
                }
                if found == nil && expected <= stop {
                    found = report(expected, .missingEvent, "no event stored at this position")
                }
                return found
            }
            if let problem { return problem }
        }
        if head.position > 0 && previousHash != head.hash {
            return report(head.position, .headMismatch, "the stored head hash \(head.hashHex) is not the last event's \(previousHash.hexString)")
        }
        if let problem = try verifyNothingPastHead() { return problem }
        if let problem = try verifyStreamIndex(head: head) { return problem }
        if let problem = try verifyIDIndex(head: head) { return problem }
        if let problem = try verifyTypeIndex(head: head) { return problem }
        return VerificationReport(head: head, eventsChecked: head.position, problem: nil)
    }

    /// In one snapshot, the last stored event is the head: appends write both in one transaction,
    /// so an event past the head was put there behind the log's back.
    private func verifyNothingPastHead() throws -> VerificationReport? {
        try environment.read { txn in
            let head = try readHead(in: txn)
            var last: UInt64 = 0
            try txn.scan(events, from: nil, to: nil, reverse: true) { entry in
                last = decodeUInt64(entry.key[...]) ?? 0
                return false
            }
            guard last > head.position else { return nil }
            return VerificationReport(head: head, eventsChecked: head.position,
                                      problem: VerificationProblem(position: head.position + 1, kind: .eventPastHead,
                                                                   detail: "events are stored up to position \(last) but the head is at \(head.position): they were added behind the log's back"))
        }
    }

    /// Visits every entry of `database` in key order, 4096 entries per short read transaction (so
    /// writers are not held up), until `body` returns false.
    private func walkInChunks(_ database: Database, _ body: (Entry, Transaction) throws -> Bool) throws {
        var resume: [UInt8]? = nil
        var finished = false
        while !finished {
            finished = true
            try environment.read { txn in
                var visited = 0
                try txn.scan(database, from: resume) { entry in
                    if let resume, entry.key == resume { return true }
                    guard try body(entry, txn) else { return false }
                    visited += 1
                    if visited >= 4096 {
                        resume = entry.key
                        finished = false
                        return false
                    }
                    return true
                }
            }
        }
    }

    /// Checks an index holds exactly one entry per event up to `head` (entries past it are newer
    /// appends): `check` returns the position an entry points at, or a problem.
    private func verifyIndex(_ database: Database, kind: VerificationProblem.Kind, name: String, head: LogHead,
                             _ check: (Entry, Transaction) throws -> Result<UInt64, VerificationProblem>) throws -> VerificationReport? {
        var count: UInt64 = 0
        var problem: VerificationProblem?
        try walkInChunks(database) { entry, txn in
            switch try check(entry, txn) {
            case .failure(let found):
                problem = found
                return false
            case .success(let position):
                if position <= head.position { count += 1 }
                return true
            }
        }
        if problem == nil && count != head.position {
            problem = VerificationProblem(position: head.position, kind: kind, detail: "the \(name) has \(count) entries for \(head.position) events")
        }
        return problem.map { VerificationReport(head: head, eventsChecked: head.position, problem: $0) }
    }

    /// Gapless versions per stream and one entry per event.
    private func verifyStreamIndex(head: LogHead) throws -> VerificationReport? {
        var previousStream: ArraySlice<UInt8> = []
        var previousVersion: UInt64 = 0
        return try verifyIndex(streams, kind: .streamIndex, name: "stream index", head: head) { entry, _ in
            guard entry.key.count > 9, entry.key[entry.key.count - 9] == 0,
                  let version = decodeUInt64(entry.key[(entry.key.count - 8)...]), let position = decodeUInt64(entry.value[...]) else {
                return .failure(VerificationProblem(position: 0, kind: .streamIndex, detail: "malformed index key \(entry.key.hexString)"))
            }
            guard position <= head.position else { return .success(position) }
            let stream = entry.key[..<(entry.key.count - 9)]
            let expectedVersion = stream == previousStream ? previousVersion + 1 : 1
            guard version == expectedVersion else {
                return .failure(VerificationProblem(position: position, kind: .streamVersionGap,
                                                    detail: "stream \(String(decoding: stream, as: UTF8.self)) jumps to version \(version), expected \(expectedVersion)"))
            }
            previousStream = stream
            previousVersion = version
            return .success(position)
        }
    }

    /// One id-index entry per event.
    private func verifyIDIndex(head: LogHead) throws -> VerificationReport? {
        try verifyIndex(ids, kind: .idIndex, name: "event-id index", head: head) { entry, _ in
            guard let position = decodeUInt64(entry.value[...]) else {
                return .failure(VerificationProblem(position: 0, kind: .idIndex, detail: "malformed entry for \(entry.key.hexString)"))
            }
            return .success(position)
        }
    }

    /// Format 2: one by-type entry per event, naming that event's type.
    private func verifyTypeIndex(head: LogHead) throws -> VerificationReport? {
        guard let byType else { return nil }
        return try verifyIndex(byType, kind: .typeIndex, name: "by-type index", head: head) { entry, txn in
            guard entry.key.count > 9, let position = decodeUInt64(entry.key.suffix(8)) else {
                return .failure(VerificationProblem(position: 0, kind: .typeIndex, detail: "malformed key \(entry.key.hexString)"))
            }
            guard position <= head.position else { return .success(position) }
            let type = String(decoding: entry.key.dropLast(9), as: UTF8.self)
            guard try event(at: position, in: txn)?.type == type else {
                return .failure(VerificationProblem(position: position, kind: .typeIndex, detail: "the index says type \(type)"))
            }
            return .success(position)
        }
    }
}
