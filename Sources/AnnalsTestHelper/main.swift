// annals-testhelper: the child process the event-log tests start, kill and watch.
// It is test support only and never ships in `annals`.
//
//   append-worker STORE WORKER COUNT STREAMS   append COUNT single events to random shared streams
//                                              with expected versions, retrying conflicts; prints
//                                              "ack UUID" once each append is acknowledged
//   crash-writer STORE                         append 5-event batches forever, resuming after the
//                                              last stored batch; prints "committed N" after each
//   fill STORE COUNT                           append COUNT events of ~1 KB in batches of 1000
//   scan STORE                                 iterate the whole log; prints the count and how much
//                                              anonymous memory grew meanwhile
//   legacy-events STORE 1|2|3                  write diplomacy events in schema 1 (counterparts as text,
//                                              Vietnamese unit names), 2 (Vietnamese unit names) or 3
//                                              (CAMEO country and region codes): the source of the
//                                              migration fixtures, exported with annals export
//   rebuild-and-die STORE CHUNK                start a rebuild of every projection and SIGKILL itself
//                                              after its first chunk
//   load PORT read|edit SECONDS TOKEN…         clients (one per token) against annals serve; prints
//                                              requests/s, latency percentiles and acknowledged edits
//   flood PORT PARALLEL COUNT TOKEN NAME       a reader's latency alone and during a flood of wrong
//                                              tokens; refusal times for known and unknown names
//   pg-smoke postgres://USER@HOST:PORT/DB      migrate a PostgreSQL log and append one event to it
//                                              from a plain thread (how the CLI will call it)
//   tamper STORE rewrite POS | truncate POS | append | past-head
//                                              change the log behind annals' back, hashes, indexes
//                                              and head made consistent (past-head leaves the head)
//
// ANNALS_TEST_MAP_SIZE sets the initial map size in bytes (to exercise map growth).
import AnnalsCore
import AnnalsLMDBLog
import AnnalsLMDB
import AnnalsPostgres
import AnnalsProjections
import AnnalsTesting
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes one line straight to the file descriptor (no buffer a SIGKILL could lose).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("annals-testhelper: \(message)\n".utf8))
    exit(1)
}

func openLog(_ path: String) throws -> LMDBEventLog {
    var options = EnvironmentOptions()
    if let size = ProcessInfo.processInfo.environment["ANNALS_TEST_MAP_SIZE"].flatMap(Int.init) {
        options.initialMapSize = size
    }
    return try LMDBEventLog(path: path, options: options)
}

/// Anonymous resident memory in KiB, from /proc/self/status (file-backed map pages excluded).
func residentAnonymousKB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("RssAnon:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
    return 0
}

let args = CommandLine.arguments.dropFirst().map { $0 }
guard let command = args.first else { fail("usage: append-worker|crash-writer|fill|scan STORE …") }

do {
    switch (command, args.count) {
    case ("append-worker", 5):
        guard let worker = UInt64(args[2]), let count = Int(args[3]), let streamCount = Int(args[4]) else { fail("bad numbers") }
        let log = try openLog(args[1])
        var generator = SystemRandomNumberGenerator()
        for i in 0..<count {
            let stream = try StreamID("shared/\(Int.random(in: 0..<streamCount, using: &generator))")
            let event = EventFactory.event(i, type: "WorkerEvent", payloadBytes: 200, actor: "worker-\(worker)",
                                           id: EventFactory.deterministicID(worker, UInt64(i)))
            while true {
                let expected: ExpectedVersion = try log.streamHead(stream).map { .exactly($0.version) } ?? .noStream
                do {
                    try log.append(to: stream, expected: expected, [event])
                    say("ack \(event.id.uuidString)")
                    break
                } catch EventLogError.wrongExpectedVersion {
                    continue
                }
            }
        }
    case ("crash-writer", 2):
        let log = try openLog(args[1])
        var batch = try log.head().position / 5
        while true {
            let events = (0..<5).map { EventFactory.event(Int($0), payloadBytes: 300, id: EventFactory.deterministicID(batch, UInt64($0))) }
            try log.append([StreamAppend(stream: try StreamID("crash/a"), expected: .exactly(batch * 3), events: Array(events[0..<3])),
                            StreamAppend(stream: try StreamID("crash/b\(batch % 4)"), expected: .any, events: Array(events[3...]))])
            say("committed \(batch)")
            batch += 1
        }
    case ("fill", 3):
        guard let count = Int(args[2]) else { fail("bad count") }
        let log = try openLog(args[1])
        for start in stride(from: 0, to: count, by: 1000) {
            let events = (start..<min(count, start + 1000)).map { EventFactory.event($0, payloadBytes: 1000) }
            try log.append(to: try StreamID("fill/\(start / 1000 % 10)"), expected: .any, events)
        }
        say("filled \(try log.head().position)")
    case ("scan", 2):
        let log = try openLog(args[1])
        let before = residentAnonymousKB()
        var peak = before
        var count = 0
        try log.forEachEvent { _ in
            count += 1
            if count % 1000 == 0 { peak = max(peak, residentAnonymousKB()) }
            return true
        }
        say("count=\(count) growthKB=\(peak - before)")
    case ("legacy-events", 3):
        let log = try LMDBEventLog(path: args[1])
        let metadata = EventMetadata(actor: "nhập liệu", reason: "dữ liệu cũ")
        func event(_ type: String, _ version: UInt32, _ json: String) -> ProposedEvent {
            ProposedEvent(type: type, schemaVersion: version, payload: Array(json.utf8), metadata: metadata)
        }
        if args[2] == "1" {
            try log.append(to: StreamID("event/legacy-vaccine-2021"), expected: .noStream, [
                event("DiplomacyEventCreated", 1, #"{"record":{"counterparts":["Quảng Tây (Trung Quốc)"],"date":"2021","id":"event/legacy-vaccine-2021","kind":"aid-received","participants":[],"place":"Lạng Sơn","quantities":[{"metric":"vaccine-doses","unit":"liều","value":"150000"}],"sourceArticles":[],"title":"Vắc xin từ Quảng Tây"}}"#),
            ])
            try log.append(to: StreamID("event/legacy-beds-2021"), expected: .noStream, [
                event("DiplomacyEventCreated", 1, #"{"record":{"counterparts":["Tập đoàn mía đường Đông Á (Nam Ninh, Quảng Tây, Trung Quốc)"],"date":"2021","id":"event/legacy-beds-2021","kind":"aid-received","participants":[],"quantities":[{"metric":"hospital-beds","unit":"giường bệnh","value":"200"}],"sourceArticles":[],"title":"Giường bệnh điều trị COVID-19"}}"#),
            ])
            try log.append(to: StreamID("event/legacy-vaccine-2021"), expected: .exactly(1), [
                event("DiplomacyEventCorrected", 1, #"{"changes":[{"field":"counterparts","new":["Quảng Tây (Trung Quốc)","Lào"],"old":["Quảng Tây (Trung Quốc)"]}]}"#),
            ])
        } else if args[2] == "3" {
            // As GDELT imports stored them before 0005: CAMEO's alpha-3 and region codes.
            try log.append(to: StreamID("event/gdelt/legacy-1"), expected: .noStream, [
                event("DiplomacyEventCreated", 3, #"{"record":{"cameoCode":"036","counterparts":[{"countryCode":"CHN","name":"CHINA"}],"date":"2012-05-01","description":"Express intent to meet or negotiate","id":"event/gdelt/legacy-1","kind":"meeting","participants":["GEORGIA","CHINA"],"quantities":[],"sourceArticles":[],"title":"GEORGIA: Express intent to meet or negotiate (CHINA)"}}"#),
                event("DiplomacyEventCorrected", 3, #"{"changes":[{"field":"counterparts","new":[{"countryCode":"EUR","name":"EUROPE"}],"old":[{"countryCode":"CHN","name":"CHINA"}]}]}"#),
            ])
            try log.append(to: StreamID("event/gdelt/legacy-2"), expected: .noStream, [
                event("DiplomacyEventCreated", 3, #"{"record":{"cameoCode":"040","counterparts":[{"countryCode":"ROM","name":"BUCHAREST"},{"countryCode":"WST","name":"NATO"}],"date":"2012-06-01","description":"Consult, not specified below","id":"event/gdelt/legacy-2","kind":"meeting","participants":["GEORGIA","BUCHAREST"],"quantities":[],"sourceArticles":[],"title":"GEORGIA: Consult, not specified below (BUCHAREST)"}}"#),
                event("DiplomacyEventCorrected", 3, #"{"changes":[{"field":"counterparts[0].countryCode","new":"TUR","old":"ROM"}]}"#),
            ])
        } else {
            try log.append(to: StreamID("event/legacy-ngo-aid-2021"), expected: .noStream, [
                event("DiplomacyEventCreated", 2, #"{"record":{"counterparts":[{"name":"Các tổ chức phi chính phủ nước ngoài"}],"date":"2021","id":"event/legacy-ngo-aid-2021","kind":"aid-received","participants":[],"place":"Lạng Sơn","quantities":[{"metric":"ngo-aid","unit":"đô la Mỹ","value":"1108742"}],"sourceArticles":[],"title":"Viện trợ phi chính phủ 2021"}}"#),
                event("DiplomacyEventCorrected", 2, #"{"changes":[{"field":"quantities","new":[{"metric":"ngo-aid","unit":"đô la","value":"1108742"},{"metric":"ngo-aid-pledged","unit":"đô la","value":"50000"}],"old":[{"metric":"ngo-aid","unit":"đô la Mỹ","value":"1108742"}]}]}"#),
            ])
        }
        say("wrote \(try log.head().position) events")
    case ("rebuild-and-die", 3):
        guard let chunk = Int(args[2]) else { fail("bad chunk size") }
        let store = try ProjectedStore(path: args[1], create: false)
        try store.maintenance.rebuild(chunkSize: chunk, progress: { done, _ in
            say("rebuilt \(done)")
            kill(getpid(), SIGKILL)
        })
        fail("the rebuild finished before its first chunk; give a smaller chunk")
    case ("load", let count) where count >= 5:
        guard let port = Int(args[1]), let seconds = Double(args[3]), ["read", "edit"].contains(args[2]) else {
            fail("load PORT read|edit SECONDS TOKEN…")
        }
        say(LoadRun.run(port: port, mode: args[2], seconds: seconds, tokens: Array(args[4...])))
    case ("flood", 6):
        guard let port = Int(args[1]), let parallel = Int(args[2]), let count = Int(args[3]), parallel > 0, count > 0 else {
            fail("flood PORT PARALLEL COUNT TOKEN NAME")
        }
        say(SignInFlood.run(port: port, parallel: parallel, count: count, token: args[4], name: args[5]))
    case ("pg-smoke", 2):
        guard let target = try PostgresTarget(args[1]) else { fail("pg-smoke postgres://USER@HOST:PORT/DB") }
        let log = PostgresEventLog(target)
        say("migrated \(try log.migrate())")
        try log.append(to: StreamID("smoke/1"), expected: .any, [EventFactory.event(1)])
        say("head \(try log.head().position)")
    case ("tamper", 3), ("tamper", 4):
        let tamper = try Tamper(path: args[1])
        switch (args[2], args.count == 4 ? UInt64(args[3]) : nil) {
        case ("rewrite", let position?): try tamper.rewrite(at: position)
        case ("truncate", let position?): try tamper.truncate(after: position)
        case ("append", nil): try tamper.append(movingHead: true)
        case ("past-head", nil): try tamper.append(movingHead: false)
        default: fail("tamper STORE rewrite POS | truncate POS | append | past-head")
        }
        say("tampered")
    default:
        fail("unknown command or wrong arguments: \(args.joined(separator: " "))")
    }
} catch {
    fail("\(error)")
}
