// annals-bench: Annals' speed beside raw LMDB driven through the same C library, in the same run.
//
//   swift run -c release annals-bench [--events N] [--repeat R] [--json FILE]     (N = 25,000 by default)
//
// Figures (median of R repetitions, with min and max), each beside its raw-LMDB baseline:
//   1. batched append with projections maintained (1000 events a transaction)
//   2. single durable edit (one event per committed transaction)
//   3. full rebuild of all projections vs a raw cursor scan of the same log
//   4. history and show --as-of of one record at 10,000 events and at N events
//   5. peak memory during the rebuild of N events
//   6. `annals correct` and `annals show` as separate processes on the N-event store
//
// With --store postgres://USER@HOST:PORT/DB (an empty database; tools/bench-postgres.sh starts a
// private cluster for it), also: batched and single appends to the PostgreSQL log beside the LMDB
// log, a follower's catch-up, and the follower's lag p50/p99 under a steady append load.
import AnnalsCore
import AnnalsLMDBLog
import AnnalsLMDB
import AnnalsProjections
import AnnalsRecords
import AnnalsTesting
import Foundation

#if canImport(Glibc)
import Glibc
#endif

let batch = 1000
var events = 25_000
var repetitions = 3
var jsonPath: String?
var sharedAddress: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--measure-rebuild":
        // Child mode: rebuild one store in a fresh process, so the memory figure is the rebuild's
        // own and not what generating the corpus left in this process's heap.
        // With a comma-separated list of projections after PATH, only those (records always).
        guard let path = arguments.next() else { exit(2) }
        let only = CommandLine.arguments.last.flatMap { $0 == path ? nil : Set($0.split(separator: ",").map { ProjectionName(String($0)) }) }
        try measureRebuild(path, only: only)
        exit(0)
    case "--fill":
        // Profiling aid: build one corpus store at PATH and stop (then profile `--measure-rebuild PATH`);
        // with `--log-only` after N, the bare log.
        guard let path = arguments.next(), let count = arguments.next().flatMap(Int.init) else { exit(2) }
        let (seconds, _) = try fill(path, count: count, logOnly: CommandLine.arguments.contains("--log-only"))
        print(count, "events appended in", seconds, "s")
        exit(0)
    case "--generate":
        // Profiling aid: generates the corpus of N events and stores nothing, so an allocation
        // count of `--fill` can be told apart from the generator's own.
        guard let count = arguments.next().flatMap(Int.init) else { exit(2) }
        var corpus = try Corpus(events: count)
        var generated = 0
        while corpus.produced < count { generated += corpus.nextBatch(batch).reduce(0) { $0 + $1.events.count } }
        print(generated, "events generated")
        exit(0)
    case "--edit":
        // Profiling aid: N single durable corrections of one record in the store at PATH.
        // With `--no-sync` after N, commits are not synced: what is left is the CPU and the writes.
        guard let path = arguments.next(), let count = arguments.next().flatMap(Int.init) else { exit(2) }
        var options = EnvironmentOptions()
        options.unsafeNoSync = CommandLine.arguments.contains("--no-sync")
        // With `--log-only`, the same corrections go to the log alone, the projections detached (as
        // a log-only tool appends): what an edit costs when the projections are not in its commit.
        let store = try ProjectedStore(path: path, create: false, options: options)
        let editor = RecordEditor(log: store.events, states: RecordsReader(store))
        let target = try RecordID("event/bench-3"), context = EditContext(actor: "bench", reason: "single edit")
        let logOnly = CommandLine.arguments.contains("--log-only")
        // The log-only edits keep the record's state themselves (the projections do not see them),
        // so each is planned from the state before it, with its expected version, as an edit is;
        // the store's projections are left behind the log, caught up when it is next opened to write.
        var current = try editor.existing(target)
        if logOnly { store.log.observer = nil }
        let seconds = try timed {
            for i in 0..<count {
                let place: [(FieldPath, JSONValue?)] = [(try FieldPath("place"), .string("Điểm \(i)"))]
                if logOnly {
                    let (append, _) = try RecordEditor.planCorrection(current, set: place, context: context)
                    for event in try store.log.append([append]) {
                        guard let next = try RecordState.apply(event, to: current) else { throw BenchError("\(target) left no state") }
                        current = next
                    }
                } else {
                    try editor.correct(target, set: place, context: context)
                }
            }
        }
        print(count, logOnly ? "log-only edits in" : "edits in", seconds, "s")
        exit(0)
    case "--trees":
        // Profiling aid: synced commits/s as a commit changes 1 to 12 B-trees (separate databases,
        // or one database with prefixed keys), in a scratch environment at PATH (see TreesPerCommit).
        guard let path = arguments.next() else { exit(2) }
        guard !FileManager.default.fileExists(atPath: path) else {
            FileHandle.standardError.write(Data("annals-bench: --trees: \(path) exists; give a path that does not (the probe creates and removes it)\n".utf8))
            exit(2)
        }
        let probe = TreesPerCommit(path: path)
        var alone = 0.0
        print("trees  separate commits/s  shared commits/s  (ratio to one tree)")
        for trees in [1, 2, 4, 6, 8, 10, 12] {
            let separate = try probe.commitsPerSecond(trees: trees, shared: false, commits: 1000)
            let shared = try probe.commitsPerSecond(trees: trees, shared: true, commits: 1000)
            if trees == 1 { alone = separate }
            print(String(format: "%5d  %8.0f (%.2f×)  %8.0f (%.2f×)", trees, separate, separate / alone, shared, shared / alone))
        }
        exit(0)
    case "--dump-corpus":
        // For tools/bench-peers.sh: the corpus of N events as JSON lines (batch, stream, type,
        // actor, reason, payload), in append order, so a peer store runs the same workload.
        guard let count = arguments.next().flatMap(Int.init), let path = arguments.next() else { exit(2) }
        try dumpCorpus(count: count, to: path)
        exit(0)
    case "--events": events = arguments.next().flatMap(Int.init) ?? events
    case "--repeat": repetitions = arguments.next().flatMap(Int.init) ?? repetitions
    case "--json": jsonPath = arguments.next()
    case "--store": sharedAddress = arguments.next()
    default:
        FileHandle.standardError.write(Data("usage: annals-bench [--events N] [--repeat R] [--json FILE] [--store postgres://USER@HOST:PORT/DB]\n".utf8))
        exit(2)
    }
}
let small = min(10_000, events)
let appendEvents = min(events, 200_000)
let singleEdits = min(1000, max(50, events / 100))

func log_(_ text: String) { FileHandle.standardError.write(Data("annals-bench: \(text)\n".utf8)) }

/// Seconds taken by `body`.
func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Fills a new store at `path` with the corpus of `count` events, `batch` events a transaction
/// (with `logOnly`, the bare log without projections). Returns the seconds spent appending
/// (generation excluded) and the average stored payload size.
func fill(_ path: String, count: Int, logOnly: Bool = false) throws -> (seconds: Double, payloadBytes: Int) {
    let store: any EventLog, environment: Environment
    if logOnly {
        let log = try LMDBEventLog(path: path)
        (store, environment) = (log, log.environment)
    } else {
        let projected = try ProjectedStore(path: path, create: true)
        (store, environment) = (projected.events, projected.environment)
    }
    defer { environment.close() }
    var corpus = try Corpus(events: count)
    var seconds = 0.0, payload = 0, appended = 0
    while corpus.produced < count {
        let appends = corpus.nextBatch(batch)
        payload += appends.reduce(0) { $0 + $1.events.reduce(0) { $0 + $1.payload.count } }
        appended += appends.reduce(0) { $0 + $1.events.count }
        seconds += try timed { try store.append(appends) }
    }
    return (seconds, payload / max(1, appended))
}

/// Writes the corpus of `count` events as JSON lines to `path` (see `--dump-corpus`).
func dumpCorpus(count: Int, to path: String) throws {
    guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
        throw BenchError("cannot write \(path)")
    }
    defer { try? file.close() }
    var corpus = try Corpus(events: count)
    var number = 0
    func quoted(_ text: String) -> String { JSONValue.string(text).description }
    while corpus.produced < count {
        var lines = ""
        for append in corpus.nextBatch(batch) {
            for event in append.events {
                lines += "{\"batch\":\(number),\"stream\":\(quoted(append.stream.rawValue)),\"type\":\(quoted(event.type)),"
                    + "\"actor\":\(quoted(event.metadata.actor)),\"reason\":\(quoted(event.metadata.reason ?? "")),"
                    + "\"payload\":\(String(decoding: event.payload, as: UTF8.self))}\n"
            }
        }
        file.write(Data(lines.utf8))
        number += 1
    }
}

/// Rebuilds the store at `path` and prints `seconds peakAnonymousKiB peakResidentKiB`.
func measureRebuild(_ path: String, only: Set<ProjectionName>? = nil) throws {
    let store = try ProjectedStore(path: path, create: false)
    defer { store.environment.close() }
    var peak = residentKB()
    let seconds = try timed {
        try store.maintenance.rebuild(only, progress: { _, _ in
            let now = residentKB()
            peak = (max(peak.anonymous, now.anonymous), max(peak.total, now.total))
        })
    }
    print(seconds, peak.anonymous, peak.total)
}

/// Rebuilds the store at `path` in a child process (`--measure-rebuild`), with only `projections`
/// when given; returns its seconds, peak anonymous KiB and peak resident KiB.
func rebuildChild(_ path: String, projections: [String] = []) throws -> [Double] {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    child.arguments = ["--measure-rebuild", path] + (projections.isEmpty ? [] : [projections.joined(separator: ",")])
    let output = Pipe()
    child.standardOutput = output
    try child.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    child.waitUntilExit()
    let fields = text.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
    guard child.terminationStatus == 0, fields.count == 3 else { throw BenchError("the rebuild child failed: \(text)") }
    return fields
}

/// Bytes this process has written through write(2) and its kin so far (`wchar` of /proc/self/io).
func bytesWritten() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return 0 }
    return text.split(separator: "\n").first { $0.hasPrefix("wchar:") }.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) } ?? 0
}

/// Anonymous and total resident memory of this process, in KiB.
func residentKB() -> (anonymous: Int, total: Int) {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
    func field(_ name: String) -> Int {
        status.split(separator: "\n").first { $0.hasPrefix(name) }.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
    }
    return (field("RssAnon:"), field("VmRSS:"))
}

struct Figure {
    let name: String
    let unit: String
    var annals: [Double] = []
    var raw: [Double] = []
    /// Whether more is better (rates) or less is better (latencies, memory).
    var higherIsBetter = true
    var target: String = ""

    var ratio: Double? {
        guard !annals.isEmpty, !raw.isEmpty, median(raw) > 0 else { return nil }
        return median(annals) / median(raw)
    }
}

func median(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.sorted()[values.count / 2] }
func spread(_ values: [Double]) -> String {
    guard !values.isEmpty else { return "—" }
    let format = median(values) >= 100 ? "%.0f" : median(values) >= 1 ? "%.2f" : "%.4f"
    return String(format: format, median(values)) + " (" + String(format: format, values.min() ?? 0) + "–" + String(format: format, values.max() ?? 0) + ")"
}

let scratch = try TemporaryDirectory(prefix: "annals-bench")
defer { scratch.remove() }
var figures: [Figure] = []
/// Lines printed after the table: per-table bytes, per-projection rebuild seconds.
var details: [String] = []

// 1. Batched append with projections, beside raw LMDB puts of the same shape.
var append = Figure(name: "append with projections, \(batch)/txn (\(appendEvents) events)", unit: "events/s", target: "≥ 60,000/s")
var payloadBytes = 400
for round in 0..<repetitions {
    log_("append round \(round + 1) of \(repetitions)")
    let (seconds, payload) = try fill(scratch.appending("append-\(round)"), count: appendEvents)
    payloadBytes = payload
    append.annals.append(Double(appendEvents) / seconds)
    try? FileManager.default.removeItem(atPath: scratch.appending("append-\(round)"))
    let raw = RawLMDBBaseline(path: scratch.appending("raw-\(round)"))
    append.raw.append(Double(appendEvents) / (try raw.append(count: appendEvents, valueSize: payload + 120, batch: batch)))
    try? FileManager.default.removeItem(atPath: scratch.appending("raw-\(round)"))
}
figures.append(append)

// 1b. The same appends to the bare log: how much of figure 1 is the log and how much the projections.
var logOnly = Figure(name: "  of which the log alone (no projections)", unit: "events/s", target: "≥ 0.3× raw")
for round in 0..<repetitions {
    let (seconds, _) = try fill(scratch.appending("log-\(round)"), count: appendEvents, logOnly: true)
    logOnly.annals.append(Double(appendEvents) / seconds)
    logOnly.raw = append.raw
    try? FileManager.default.removeItem(atPath: scratch.appending("log-\(round)"))
}
figures.append(logOnly)

// The two stores the remaining figures read: 10,000 events and N events.
log_("building the \(small)-event store")
_ = try fill(scratch.appending("small"), count: small)
log_("building the \(events)-event store")
let bigFill = try fill(scratch.appending("big"), count: events)
log_("the \(events)-event store took \(String(format: "%.1f", bigFill.seconds)) s to append (\(String(format: "%.0f", Double(events) / bigFill.seconds)) events/s)")

// Bytes on disk per event: the N-event store's data file as appended (one generation of each
// projection), beside raw LMDB holding the same payloads (log + stream index).
var bytesPerEvent = Figure(name: "bytes on disk per event (\(events) events)", unit: "B", higherIsBetter: false)
var compacted = Figure(name: "  compacted copy (mdb_copy -c), per event", unit: "B", higherIsBetter: false, target: "≤ 1,200 B (floor 1,500)")
do {
    let size = { (path: String) in Double(TableSizes.size(of: path)) }
    bytesPerEvent.annals.append(size(scratch.appending("big")) / Double(events))
    let raw = RawLMDBBaseline(path: scratch.appending("raw-bytes"))
    _ = try raw.append(count: events, valueSize: bigFill.payloadBytes + 120, batch: batch)
    bytesPerEvent.raw.append(size(scratch.appending("raw-bytes")) / Double(events))
    log_("measuring each table of the \(events)-event store (compacted copies)")
    let sizes = try TableSizes(store: scratch.appending("big"), scratch: scratch.path)
    let rawSizes = try TableSizes(store: scratch.appending("raw-bytes"), scratch: scratch.path)
    compacted.annals.append(Double(sizes.compactedBytes) / Double(events))
    compacted.raw.append(Double(rawSizes.compactedBytes) / Double(events))
    for table in sizes.tables {
        details.append("bytes per event in \(table.name): \(String(format: "%.0f", Double(table.bytes) / Double(events)))")
    }
    try? FileManager.default.removeItem(atPath: scratch.appending("raw-bytes"))
}

// 2. Single durable edits through the editor, beside one raw put per commit.
var single = Figure(name: "single durable edit (\(singleEdits) edits)", unit: "edits/s", target: "≥ 0.6× raw")
var pagesPerEdit = Figure(name: "  pages written per single edit", unit: "pages", higherIsBetter: false)
do {
    let store = try ProjectedStore(path: scratch.appending("small"), create: false)
    let editor = RecordEditor(log: store.events, states: RecordsReader(store))
    // Not the probe: its history must stay the same length in both stores.
    let target = try RecordID("event/bench-3")
    for round in 0..<repetitions {
        let before = bytesWritten()
        let seconds = try timed {
            for i in 0..<singleEdits {
                try editor.correct(target, set: [(try FieldPath("place"), .string("Điểm \(round)-\(i)"))], context: EditContext(actor: "bench", reason: "single edit"))
            }
        }
        pagesPerEdit.annals.append(Double(bytesWritten() - before) / 4096 / Double(singleEdits))
        single.annals.append(Double(singleEdits) / seconds)
        let raw = RawLMDBBaseline(path: scratch.appending("raw-single-\(round)"))
        let rawBefore = bytesWritten()
        single.raw.append(Double(singleEdits) / (try raw.append(count: singleEdits, valueSize: payloadBytes + 120, batch: 1)))
        pagesPerEdit.raw.append(Double(bytesWritten() - rawBefore) / 4096 / Double(singleEdits))
    }
    store.environment.close()
}
figures += [single, pagesPerEdit]

// 3 and 5. Rebuild of the N-event store, beside a raw cursor scan of its log; peak memory.
var rebuild = Figure(name: "rebuild all projections (\(events) events)", unit: "events/s", target: "≥ 100,000/s")
var memory = Figure(name: "peak heap (RssAnon) during rebuild (\(events) events)", unit: "MiB", higherIsBetter: false, target: "≤ 150 MB")
var memoryTotal = Figure(name: "peak VmRSS during rebuild, map pages included", unit: "MiB", higherIsBetter: false)
for round in 0..<repetitions {
    log_("rebuild round \(round + 1) of \(repetitions)")
    let fields = try rebuildChild(scratch.appending("big"))
    rebuild.annals.append(Double(events) / fields[0])
    memory.annals.append(fields[1] / 1024)
    memoryTotal.annals.append(fields[2] / 1024)
    let (scan, count) = try RawLMDBBaseline(path: scratch.appending("big")).scan(database: LMDBEventLog.DatabaseName.events)
    rebuild.raw.append(Double(count) / scan)
}
figures.append(rebuild)
// Where a rebuild's time goes: the records projection alone (every rebuild needs it), then with
// each other projection beside it; one round each.
do {
    let alone = try rebuildChild(scratch.appending("big"), projections: ["records"])[0]
    details.append("rebuild seconds, records alone: \(String(format: "%.2f", alone))")
    for other in ProjectionRegistry.standard.names where other != .records {
        let seconds = try rebuildChild(scratch.appending("big"), projections: ["records", other.rawValue])[0]
        details.append("rebuild seconds, records + \(other.rawValue): \(String(format: "%.2f", seconds)) (+\(String(format: "%.2f", seconds - alone)))")
    }
}

// 4. History and as-of of the probe record (the same short stream in both stores).
var history = Figure(name: "history of one record: \(events) vs \(small) events", unit: "ms", higherIsBetter: false, target: "≤ 2×")
var asOf = Figure(name: "show --as-of: \(events) vs \(small) events", unit: "ms", higherIsBetter: false, target: "≤ 2×")
for (name, isBig) in [("small", false), ("big", true)] {
    let store = try ProjectedStore(path: scratch.appending(name), create: false)
    let probe = try RecordID(Corpus.probeID)
    let middle = try store.events.head().position / 2
    for _ in 0..<repetitions {
        var historyTimes: [Double] = [], asOfTimes: [Double] = []
        for _ in 0..<50 {
            historyTimes.append(try timed { _ = try store.events.readStream(probe.streamID).map(AuditEntry.init) } * 1000)
            asOfTimes.append(try timed { _ = try RecordTimeline(store).record(probe, asOf: middle) } * 1000)
        }
        if isBig { history.annals.append(median(historyTimes)); asOf.annals.append(median(asOfTimes)) }
        else { history.raw.append(median(historyTimes)); asOf.raw.append(median(asOfTimes)) }
    }
    store.environment.close()
}
figures += [history, asOf, memory, memoryTotal, bytesPerEvent, compacted]

// 6. The CLI as separate processes on the N-event store.
let annalsPath = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("annals").path
if FileManager.default.isExecutableFile(atPath: annalsPath) {
    var show = Figure(name: "annals show, one process (\(events) events)", unit: "ms", higherIsBetter: false, target: "< 50 ms")
    var correct = Figure(name: "annals correct, one process (\(events) events)", unit: "ms", higherIsBetter: false)
    /// Wall time of one `annals` process, from spawn to exit (posix_spawn and waitpid directly:
    /// Foundation's Process polls for the exit and would add its own tens of milliseconds).
    func run(_ arguments: [String]) throws -> Double {
        let words: [String] = [annalsPath] + arguments + ["--store", scratch.appending("big")]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = [strdup("ANNALS_ACTOR=bench"), nil]
        defer { (argv + envp).forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        _ = "/dev/null".withCString { posix_spawn_file_actions_addopen(&actions, 1, $0, O_WRONLY, 0) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pid = pid_t()
        var status: Int32 = 0
        let seconds = try timed {
            guard posix_spawn(&pid, annalsPath, &actions, nil, argv, envp) == 0 else { throw BenchError("cannot start \(annalsPath)") }
            waitpid(pid, &status, 0)
        }
        guard status == 0 else { throw BenchError("annals \(arguments.joined(separator: " ")) failed with status \(status)") }
        return seconds * 1000
    }
    for round in 0..<max(repetitions, 5) {
        show.annals.append(try run(["show", Corpus.probeID]))
        correct.annals.append(try run(["correct", Corpus.probeID, "--set", "place=CLI \(round)", "--reason", "bench"]))
    }
    figures += [show, correct]
} else {
    log_("annals is not built beside annals-bench (\(annalsPath)); skipping the CLI figures: swift build -c release --product annals")
}

// 7. The shared log on PostgreSQL, beside the LMDB log, and a follower's lag.
if let sharedAddress {
    let shared = try SharedLogBench(address: sharedAddress, scratch: scratch, repetitions: repetitions)
    figures += try shared.figures(events: events, singleEdits: singleEdits, lagSeconds: 20, lagRate: 200)
}

// Output.
let machine = "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB"
print("annals-bench: \(events) events (~\(payloadBytes) B payloads), median of \(repetitions) (min–max), \(machine)")
var table = [["figure", "annals", "baseline", "ratio", "target"]]
for figure in figures {
    let ratio = figure.ratio.map { String(format: "%.2f×", $0) } ?? ""
    table.append([figure.name, spread(figure.annals) + " " + figure.unit, figure.raw.isEmpty ? "" : spread(figure.raw) + " " + figure.unit,
                  ratio, figure.target])
}
let widths = (0..<5).map { column in table.map { $0[column].count }.max() ?? 0 }
for row in table {
    print(row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  "))
}
details.forEach { print($0) }
print("baselines: raw LMDB puts of the same sizes and batches (log by position with MDB_APPEND + stream index); "
      + "raw cursor scan for the rebuild; the 10,000-event store for history and as-of"
      + (sharedAddress == nil ? "" : "; the LMDB log (annals' own, no projections) for the PostgreSQL appends"))

if let jsonPath {
    let document: [String: Any] = [
        "events": events, "repetitions": repetitions, "payloadBytes": payloadBytes, "machine": machine,
        "details": details,
        "figures": figures.map { ["name": $0.name, "unit": $0.unit, "annals": $0.annals, "baseline": $0.raw, "ratio": $0.ratio.map { $0 as Any } ?? NSNull(), "target": $0.target] },
    ]
    try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: jsonPath))
}
