import AnnalsTesting
import Foundation

/// `flood PORT PARALLEL COUNT TOKEN NAME`: what a flood of wrong tokens costs the server's signed-in
/// users. A reader with `TOKEN` reads `/stats` 100 times alone, then 100 times while PARALLEL
/// threads send COUNT wrong tokens in all (half for the known user NAME, half for unknown names).
/// Then the timing of refusals: 40 wrong tokens one at a time, known and unknown names by turns.
/// Prints one JSON line: the reader's p50/p99 without and with the flood and their ratio, the
/// flood's answers by status, and the median refusal time for known and unknown names with their
/// gap (which measures anything only on a server whose throttle lets them reach a token check).
enum SignInFlood {
    static func run(port: Int, parallel: Int, count: Int, token: String, name: String) -> String {
        let probe = HTTPProbe(port: port)
        @Sendable func timedRead() -> Double {
            let start = Date()
            let status = (try? probe.request("GET", "/stats", token: token).status) ?? 0
            return status == 200 ? Date().timeIntervalSince(start) * 1000 : -1
        }
        let alone = (0..<100).map { _ in timedRead() }
        let statuses = Locked<[Int: Int]>([:]), during = Locked<[Double]>([])
        let finished = DispatchSemaphore(value: 0)
        let perThread = max(1, count / parallel)
        for lane in 0..<parallel {
            Thread {
                for round in 0..<perThread {
                    let who = (lane + round) % 2 == 0 ? name : "ghost-\(lane)-\(round)"
                    let status = (try? probe.request("GET", "/stats", token: "\(who).wrong-\(lane)-\(round)", timeout: 60).status) ?? 0
                    statuses.update { $0[status, default: 0] += 1 }
                }
                finished.signal()
            }.start()
        }
        Thread {
            for _ in 0..<100 { let value = timedRead(); during.update { $0.append(value) } }
            finished.signal()
        }.start()
        for _ in 0...parallel { finished.wait() }
        // Refusal timing, known and unknown names by turns.
        var known: [Double] = [], unknown: [Double] = []
        for attempt in 0..<40 {
            let who = attempt % 2 == 0 ? name : "nobody-\(attempt)"
            let start = Date()
            _ = try? probe.request("GET", "/stats", token: "\(who).timing-\(attempt)")
            let elapsed = Date().timeIntervalSince(start) * 1000
            if attempt % 2 == 0 { known.append(elapsed) } else { unknown.append(elapsed) }
        }
        func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.filter { $0 >= 0 }.sorted()
            return sorted.isEmpty ? 0 : (sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 100).rounded() / 100
        }
        let flood = during.value
        let (p99Alone, p99Flood) = (percentile(alone, 0.99), percentile(flood, 0.99))
        let (knownMedian, unknownMedian) = (percentile(known, 0.5), percentile(unknown, 0.5))
        let object: [String: Any] = [
            "readerP50msAlone": percentile(alone, 0.5), "readerP99msAlone": p99Alone,
            "readerP50msFlood": percentile(flood, 0.5), "readerP99msFlood": p99Flood,
            "readerP99Ratio": p99Alone > 0 ? (p99Flood / p99Alone * 100).rounded() / 100 : 0,
            "readerFailures": (alone + flood).filter { $0 < 0 }.count,
            "floodAnswers": Dictionary(uniqueKeysWithValues: statuses.value.map { (String($0.key), $0.value) }),
            "refusalMedianMsKnown": knownMedian, "refusalMedianMsUnknown": unknownMedian,
            "refusalGapPercent": knownMedian > 0 ? (abs(knownMedian - unknownMedian) / knownMedian * 1000).rounded() / 10 : 0,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// A value shared by threads, under a lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.lock(); defer { lock.unlock() }; return stored }
    func update(_ body: (inout Value) -> Void) { lock.lock(); defer { lock.unlock() }; body(&stored) }
}
