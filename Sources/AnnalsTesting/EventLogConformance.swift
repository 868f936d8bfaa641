public import AnnalsCore
import Foundation

/// The behaviour every `EventLog` backend must show. Each check gets a new, empty log.
///
/// Run it from any test framework: `try EventLogConformance.run("ordering", on: makeLog())`.
public enum EventLogConformance {
    /// The names of every check, for parameterised tests.
    public static let names: [String] = checks.map(\.name)

    /// Runs the named check against `log`, which must be empty.
    public static func run(_ name: String, on log: any EventLog) throws {
        guard let check = checks.first(where: { $0.name == name }) else {
            throw ConformanceFailure("no conformance check named \(name)")
        }
        try require(try log.head() == .empty, "the log handed to \(name) is not empty")
        try check.body(log)
    }

    static let checks: [(name: String, body: @Sendable (any EventLog) throws -> Void)] = [
        ("empty log", emptyLog),
        ("ordering and gapless positions", ordering),
        ("stream reads forwards and backwards", streamReads),
        ("expected-version conflicts write nothing", expectedVersions),
        ("batch atomicity across streams", batchAtomicity),
        ("idempotent re-append", idempotentReappend),
        ("invalid input writes nothing", invalidInput),
        ("metadata round-trips and time never goes back", metadataRoundTrip),
        ("hash chain links every event", hashChain),
        ("iteration over 100,000 events in chunks", largeIteration),
        ("appenders racing on expected versions: one wins each round", racingAppenders),
    ]

    static func stream(_ name: String) throws -> StreamID { try StreamID(name) }

    static func emptyLog(_ log: any EventLog) throws {
        try require(try log.readLog(from: 1, limit: 10).isEmpty, "an empty log returned events")
        try require(try log.streamHead(stream("article/none")) == nil, "an absent stream has a head")
        try require(try log.event(at: 1) == nil, "an empty log has an event at 1")
        try require(try log.verify().isValid, "an empty log does not verify")
    }

    static func ordering(_ log: any EventLog) throws {
        let a = try stream("article/a"), b = try stream("event/b")
        try log.append(to: a, expected: .noStream, [EventFactory.event(1), EventFactory.event(2)])
        try log.append([StreamAppend(stream: b, expected: .noStream, events: [EventFactory.event(3)]),
                        StreamAppend(stream: a, expected: .exactly(2), events: [EventFactory.event(4)])])
        let all = try log.readLog(from: 1, limit: 100)
        try require(all.map(\.position) == [1, 2, 3, 4], "positions are \(all.map(\.position)), expected 1...4")
        try require(all.map(\.stream) == [a, a, b, a], "events are not in append order")
        try require(all.map(\.streamVersion) == [1, 2, 1, 3], "stream versions are \(all.map(\.streamVersion))")
        try require(try log.head().position == 4, "head is not at 4")
        try require(try log.streamHead(a) == StreamHead(version: 3, lastPosition: 4), "stream head of a is wrong")
        try require(try log.event(id: all[2].id)?.position == 3, "event by id is wrong")
        try require(try log.event(at: 2)?.id == all[1].id, "event by position is wrong")
        try require(try log.readLog(from: 3, limit: 100).map(\.position) == [3, 4], "reading from 3 is wrong")
        try require(try log.readLog(from: 2, limit: 1).map(\.position) == [2], "a limited read is wrong")
    }

    static func streamReads(_ log: any EventLog) throws {
        let a = try stream("article/a"), ab = try stream("article/a b"), before = try stream("article/")
        try log.append(to: before, expected: .noStream, [EventFactory.event(0)])
        for i in 1...5 { try log.append(to: a, expected: .any, [EventFactory.event(i)]) }
        try log.append(to: ab, expected: .noStream, [EventFactory.event(9)])
        try require(try log.readStream(a).map(\.streamVersion) == [1, 2, 3, 4, 5], "forward read of a is wrong")
        try require(try log.readStream(a, from: 3, direction: .forwards, limit: 2).map(\.streamVersion) == [3, 4], "forward read from 3 is wrong")
        try require(try log.readStream(a, from: .max, direction: .backwards, limit: 2).map(\.streamVersion) == [5, 4], "backward read from the end is wrong")
        try require(try log.readStream(a, from: 2, direction: .backwards, limit: 10).map(\.streamVersion) == [2, 1], "backward read from 2 is wrong")
        try require(try log.readStream(ab).count == 1 && log.readStream(before).count == 1, "neighbouring streams leak into each other")
        try require(try log.readStream(stream("article/none")).isEmpty, "an absent stream has events")
    }

    static func expectedVersions(_ log: any EventLog) throws {
        let a = try stream("article/a")
        try log.append(to: a, expected: .noStream, [EventFactory.event(1)])
        let head = try log.head()
        let conflict = try requireThrows(EventLogError.self, "noStream on an existing stream") {
            try log.append(to: a, expected: .noStream, [EventFactory.event(2)])
        }
        try require(conflict == .wrongExpectedVersion(stream: "article/a", expected: .noStream, actual: 1), "conflict names \(conflict)")
        try requireThrows(EventLogError.self, "a stale version", matching: { $0 == .wrongExpectedVersion(stream: "article/a", expected: .exactly(0), actual: 1) }) {
            try log.append(to: a, expected: .exactly(0), [EventFactory.event(2)])
        }
        try requireThrows(EventLogError.self, "a future version") {
            try log.append(to: a, expected: .exactly(5), [EventFactory.event(2)])
        }
        try require(try log.head() == head, "a rejected append moved the head")
        try log.append(to: a, expected: .exactly(1), [EventFactory.event(2)])
        try log.append(to: a, expected: .any, [EventFactory.event(3)])
        try require(try log.streamHead(a)?.version == 3, "appends after conflicts did not land")
    }

    static func batchAtomicity(_ log: any EventLog) throws {
        let a = try stream("article/a"), b = try stream("event/b"), c = try stream("event/c")
        try log.append(to: b, expected: .noStream, [EventFactory.event(1)])
        let head = try log.head()
        try requireThrows(EventLogError.self, "a batch with one conflicting stream") {
            try log.append([StreamAppend(stream: a, expected: .noStream, events: [EventFactory.event(2), EventFactory.event(3)]),
                            StreamAppend(stream: c, expected: .noStream, events: [EventFactory.event(4)]),
                            StreamAppend(stream: b, expected: .noStream, events: [EventFactory.event(5)])])
        }
        try require(try log.head() == head, "a failed batch moved the head")
        try require(try log.streamHead(a) == nil && log.streamHead(c) == nil, "a failed batch wrote to other streams")
        try require(try log.readLog(from: 1, limit: 10).count == 1, "a failed batch left events")
        try require(try log.verify().isValid, "the log does not verify after a failed batch")
    }

    static func idempotentReappend(_ log: any EventLog) throws {
        let a = try stream("article/a"), b = try stream("event/b")
        let batch = [StreamAppend(stream: a, expected: .noStream, events: [EventFactory.event(1), EventFactory.event(2)]),
                     StreamAppend(stream: b, expected: .noStream, events: [EventFactory.event(3)])]
        let first = try log.append(batch)
        let head = try log.head()
        let again = try log.append(batch)
        try require(again == first, "a re-append returned other events than the original")
        try require(try log.head() == head, "a re-append wrote something")
        var changed = batch[0].events[0]
        changed.payload = EventFactory.payload(99)
        let reused = try requireThrows(EventLogError.self, "an id reused with other content") {
            try log.append(to: a, expected: .any, [changed])
        }
        try require(reused == .eventIdReused(id: changed.id.uuidString, position: 1), "reuse error names \(reused)")
        try requireThrows(EventLogError.self, "a batch mixing stored and new ids") {
            try log.append(to: a, expected: .any, [batch[0].events[0], EventFactory.event(4)])
        }
        try require(try log.head() == head, "a rejected re-append wrote something")
    }

    static func invalidInput(_ log: any EventLog) throws {
        let a = try stream("article/a")
        try log.append(to: a, expected: .noStream, [EventFactory.event(1)])
        let head = try log.head()
        let bad: [(String, () throws -> Void)] = [
            ("an empty actor", { try log.append(to: a, expected: .any, [EventFactory.event(2, actor: "  ")]) }),
            ("a payload that is not JSON", {
                try log.append(to: a, expected: .any, [ProposedEvent(type: "T", payload: Array("{not json".utf8), metadata: EventMetadata(actor: "x"))])
            }),
            ("a payload with a trailing comma (RFC 8259 has none; every reader would refuse it)", {
                try log.append(to: a, expected: .any, [ProposedEvent(type: "T", payload: Array(#"{"a":1,}"#.utf8), metadata: EventMetadata(actor: "x"))])
            }),
            ("a payload with text after the value", {
                try log.append(to: a, expected: .any, [ProposedEvent(type: "T", payload: Array("{} {}".utf8), metadata: EventMetadata(actor: "x"))])
            }),
            ("a payload that is not UTF-8", {
                try log.append(to: a, expected: .any, [ProposedEvent(type: "T", payload: [0x22, 0xff, 0x22], metadata: EventMetadata(actor: "x"))])
            }),
            ("an empty type", { try log.append(to: a, expected: .any, [EventFactory.event(2, type: "")]) }),
            ("schema version 0", {
                try log.append(to: a, expected: .any, [ProposedEvent(type: "T", schemaVersion: 0, payload: Array("{}".utf8), metadata: EventMetadata(actor: "x"))])
            }),
            ("no events", { try log.append(to: a, expected: .any, []) }),
            ("a stream twice", {
                try log.append([StreamAppend(stream: a, expected: .any, events: [EventFactory.event(2)]),
                                StreamAppend(stream: a, expected: .any, events: [EventFactory.event(3)])])
            }),
            ("one id twice", {
                let event = EventFactory.event(2)
                try log.append(to: a, expected: .any, [event, event])
            }),
            ("a valid event beside an invalid one", {
                try log.append(to: a, expected: .any, [EventFactory.event(2), EventFactory.event(3, actor: "")])
            }),
        ]
        for (what, body) in bad {
            let error = try requireThrows(EventLogError.self, what, body)
            guard case .invalidInput(let field, _, let fix) = error, !field.isEmpty, !fix.isEmpty else {
                throw ConformanceFailure("\(what): expected an invalid-input error naming the field and the fix, got \(error)")
            }
            try require(try log.head() == head, "\(what) moved the head")
        }
        for text in ["", String(repeating: "x", count: 257), "a\nb", "a\u{0}b"] {
            try requireThrows(EventLogError.self, "stream id \(text.debugDescription)") { _ = try StreamID(text) }
        }
    }

    static func metadataRoundTrip(_ log: any EventLog) throws {
        let nfd = "Lie\u{0302}\u{0300}u Chang"  // "Liều Chang" in NFD
        let correlation = UUID(), causation = UUID()
        let event = ProposedEvent(type: "NoteAmended", schemaVersion: 3, payload: Array("{\"views\":258}".utf8),
                                  metadata: EventMetadata(actor: nfd, reason: "Sửa lượt xem", correlationID: correlation, causationID: causation))
        let stored = try log.append(to: stream("article/a"), expected: .noStream, [event])[0]
        let read = try log.event(id: event.id)
        try require(read == stored, "the event read back differs from the one returned by append")
        try require(read?.metadata.actor.unicodeScalars.elementsEqual("Liều Chang".precomposedStringWithCanonicalMapping.unicodeScalars) == true,
                    "the actor is not stored in NFC")
        try require(read?.metadata.reason == "Sửa lượt xem" && read?.metadata.correlationID == correlation
                    && read?.metadata.causationID == causation, "metadata did not round-trip")
        try require(read?.schemaVersion == 3 && read?.type == "NoteAmended" && read?.payload == event.payload,
                    "type, schema version or payload did not round-trip")
        for i in 0..<5 { try log.append(to: stream("article/b"), expected: .any, [EventFactory.event(i)]) }
        let times = try log.readLog(from: 1, limit: 100).map(\.recordedAt)
        try require(times == times.sorted(), "recorded-at went backwards: \(times)")
        try require(try log.head().lastRecordedAt == times.last, "the head's time is not the last event's")
    }

    static func hashChain(_ log: any EventLog) throws {
        for i in 0..<20 { try log.append(to: stream("article/\(i % 3)"), expected: .any, [EventFactory.event(i)]) }
        let all = try log.readLog(from: 1, limit: 100)
        try require(Set(all.map(\.hash)).count == all.count, "two events share a hash")
        try require(all.allSatisfy { $0.hash.count == 32 }, "hashes are not SHA-256 sized")
        try require(try log.head().hash == all.last?.hash, "the head hash is not the last event's hash")
        let report = try log.verify()
        try require(report.isValid && report.eventsChecked == 20, "verify: \(String(describing: report.problem))")
    }

    static func largeIteration(_ log: any EventLog) throws {
        let total = 100_000, batch = 1000
        for start in stride(from: 0, to: total, by: batch) {
            let events = (start..<start + batch).map { EventFactory.event($0, payloadBytes: 120) }
            try log.append([StreamAppend(stream: stream("bulk/\(start / batch % 7)"), expected: .any, events: events)])
        }
        var expected: UInt64 = 1
        try log.forEachEvent(from: 1, chunkSize: 1024) { event in
            guard event.position == expected else { throw ConformanceFailure("iteration gave \(event.position), expected \(expected)") }
            expected += 1
            return true
        }
        try require(expected == UInt64(total) + 1, "iteration visited \(expected - 1) events, expected \(total)")
        try require(try log.readLog(from: 500, limit: 1024).count == 1024, "a chunk is not bounded by its limit")
        var visited = 0
        try log.forEachEvent(from: 99_990) { _ in visited += 1; return visited < 5 }
        try require(visited == 5, "stopping an iteration early did not stop it")
    }

    /// Three writers edit one stream as editors do: each reads the stream's head, then appends
    /// expecting that version. Their steps interleave so that all three read the same head before
    /// any appends: in every round exactly one append lands and the other two get
    /// `wrongExpectedVersion` naming the version that beat them; each loser then rereads and
    /// retries, and nothing is lost or doubled.
    static func racingAppenders(_ log: any EventLog) throws {
        let shared = try stream("event/contended")
        let writers = 3, rounds = 20
        var landed = 0, conflicts = 0
        var pending = Set(0..<writers * rounds)  // one edit per writer per round, numbered
        while !pending.isEmpty {
            let contenders = Array(pending.sorted().prefix(writers))
            let seen = try contenders.map { _ in try log.streamHead(shared)?.version ?? 0 }
            var winners = 0
            for (edit, version) in zip(contenders, seen) {
                do {
                    try log.append(to: shared, expected: version == 0 ? .noStream : .exactly(version), [EventFactory.event(edit)])
                    winners += 1
                    landed += 1
                    pending.remove(edit)
                } catch let error as EventLogError {
                    guard case .wrongExpectedVersion(_, _, let actual) = error, actual == version + 1 else {
                        throw ConformanceFailure("a lost race gave \(error), expected a conflict at version \(version + 1)")
                    }
                    conflicts += 1
                }
            }
            try require(winners == 1, "\(winners) of \(contenders.count) racing appenders won a round; exactly one must")
        }
        try require(landed == writers * rounds, "\(landed) edits landed, expected \(writers * rounds)")
        try require(conflicts > 0, "no append lost a race: the check tested nothing")
        let versions = try log.readStream(shared).map(\.streamVersion)
        try require(versions == Array(1...UInt64(writers * rounds)), "the stream's versions are not 1...\(writers * rounds)")
        try require(try log.verify().isValid, "the log does not verify after the races")
    }
}
