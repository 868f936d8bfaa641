// annals-bench: Annals' speed beside raw LMDB driven through the same C library in the same run.
//   swift run -c release annals-bench [--events N] [--repeat R]
import AnnalsEventLog
import AnnalsLMDB
import AnnalsTesting
import Foundation

var events = 200_000
var repetitions = 3
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--events": events = arguments.next().flatMap(Int.init) ?? events
    case "--repeat": repetitions = arguments.next().flatMap(Int.init) ?? repetitions
    default:
        FileHandle.standardError.write(Data("usage: annals-bench [--events N] [--repeat R]\n".utf8))
        exit(2)
    }
}

let batch = 1000
let payloadBytes = 400

struct Figure {
    let name: String
    var annals: [Double] = []
    var raw: [Double] = []
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func scratch() throws -> TemporaryDirectory { try TemporaryDirectory(prefix: "annals-bench") }

var appendFigure = Figure(name: "append, \(batch)/txn (events/s)")
var scanFigure = Figure(name: "full scan (events/s)")

for _ in 0..<repetitions {
    let dir = try scratch()
    defer { dir.remove() }
    let raw = RawLMDBBaseline(path: dir.appending("raw"))
    let rawSeconds = try raw.append(count: events, valueSize: payloadBytes + 120, batch: batch)
    appendFigure.raw.append(Double(events) / rawSeconds)
    let (rawScan, rawCount) = try raw.scan()
    scanFigure.raw.append(Double(rawCount) / rawScan)

    let log = try LMDBEventLog(path: dir.appending("annals"))
    let proposed = (0..<events).map { EventFactory.event($0, type: "ArticleCorrected", payloadBytes: payloadBytes, actor: "bench") }
    let streams = try (0..<20_000).map { try StreamID("article/bench-\($0)") }
    var start = Date()
    for first in stride(from: 0, to: events, by: batch) {
        let slice = proposed[first..<min(events, first + batch)]
        var byStream: [StreamID: [ProposedEvent]] = [:]
        for (offset, event) in zip(slice.indices, slice) { byStream[streams[offset % streams.count], default: []].append(event) }
        try log.append(byStream.map { StreamAppend(stream: $0.key, expected: .any, events: $0.value) })
    }
    appendFigure.annals.append(Double(events) / Date().timeIntervalSince(start))
    start = Date()
    var seen = 0
    try log.forEachEvent { _ in seen += 1; return true }
    scanFigure.annals.append(Double(seen) / Date().timeIntervalSince(start))
    log.environment.close()
}

print("annals-bench: \(events) events of ~\(payloadBytes) B payload, median of \(repetitions) (min–max)")
print("figure".padding(toLength: 34, withPad: " ", startingAt: 0) + "annals".padding(toLength: 30, withPad: " ", startingAt: 0) + "raw LMDB".padding(toLength: 30, withPad: " ", startingAt: 0) + "ratio")
for figure in [appendFigure, scanFigure] {
    func cell(_ values: [Double]) -> String {
        String(format: "%.0f (%.0f–%.0f)", median(values), values.min() ?? 0, values.max() ?? 0).padding(toLength: 30, withPad: " ", startingAt: 0)
    }
    print(figure.name.padding(toLength: 34, withPad: " ", startingAt: 0) + cell(figure.annals) + cell(figure.raw)
          + String(format: "%.2f×", median(figure.annals) / median(figure.raw)))
}
