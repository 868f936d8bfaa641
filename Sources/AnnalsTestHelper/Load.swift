import AnnalsTesting
import Foundation

/// `load PORT read|edit SECONDS TOKEN…`: one client thread per token against `annals serve` on
/// 127.0.0.1:PORT for SECONDS, each on one kept-alive connection, as API clients do. `read`
/// fetches a record and runs a search by turns; `edit` creates one record per client
/// (`event/load-CLIENT-RUN`) and corrects it again and again with the version it last got
/// (If-Match), so no edit should conflict. Prints one JSON line: requests, failures, requests per
/// second, latency percentiles, and for edits each client's record id with the number of
/// corrections acknowledged.
enum LoadRun {
    static func run(port: Int, mode: String, seconds: Double, tokens: [String]) -> String {
        let probe = HTTPProbe(port: port)
        let results = Results()
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let deadline = Date().addingTimeInterval(seconds)
        let started = Date()
        // One thread per client (concurrentPerform would run only as many as there are cores).
        let finished = DispatchSemaphore(value: 0)
        for index in tokens.indices {
            Thread { drive(index, tokens[index]); finished.signal() }.start()
        }
        for _ in tokens { finished.wait() }
        return results.summary(seconds: Date().timeIntervalSince(started), mode: mode, clients: tokens.count)

        @Sendable func drive(_ client: Int, _ token: String) {
            var latencies: [Double] = [], failures: [String] = [], acknowledged = 0
            let session = HTTPProbe.Session(probe)
            let id = "event/load-\(client)-\(run)"
            var version = 0
            func timed(_ body: () throws -> HTTPProbe.Response) -> HTTPProbe.Response? {
                let start = Date()
                do {
                    let response = try body()
                    latencies.append(Date().timeIntervalSince(start) * 1000)
                    return response
                } catch {
                    failures.append("\(error)")
                    return nil
                }
            }
            if mode == "edit" {
                // The first request of each client proves its token (bcrypt); when many start at
                // once the server answers 503 busy to some, and a client retries after a second,
                // as the answer asks.
                var created: HTTPProbe.Response?
                for _ in 0..<10 {
                    created = timed {
                        try session.request("POST", "/records", token: token, json: [
                            "type": "event", "reason": "tải thử",
                            "record": ["id": id, "kind": "meeting", "title": "Họp tải thử \(client)", "date": "2025", "place": "Lạng Sơn"],
                        ])
                    }
                    guard created?.status == 503 else { break }
                    Thread.sleep(forTimeInterval: 1)
                }
                guard created?.status == 201 else {
                    // No record to check afterwards: the client never had one.
                    results.add(latencies, failures + ["create answered \(created?.status ?? 0): \(created?.text ?? "")"], nil, 0)
                    return
                }
                version = 1
            }
            var turn = 0
            while Date() < deadline {
                turn += 1
                if mode == "edit" {
                    let response = timed {
                        try session.request("PATCH", "/records/\(id)", token: token, headers: ["If-Match": "\"\(version)\""],
                                          json: ["set": ["title": "Họp tải thử \(client) lần \(turn)"], "reason": "lần \(turn)"])
                    }
                    guard let response else { continue }
                    if response.status == 200 {
                        acknowledged += 1
                        version += 1
                    } else {
                        failures.append("correct answered \(response.status): \(response.text)")
                    }
                } else {
                    let path = turn % 2 == 0 ? "/records/event/lang-son-2021-ngo-aid" : "/search?q=vien+tro&limit=10"
                    guard let response = timed({ try session.request("GET", path, token: token) }) else { continue }
                    if response.status != 200 { failures.append("\(path) answered \(response.status)") }
                }
            }
            results.add(latencies, failures, mode == "edit" ? id : nil, acknowledged)
        }
    }

    /// What the clients did, gathered under a lock.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var latencies: [Double] = []
        private var failures: [String] = []
        private var records: [String: Int] = [:]

        func add(_ latencies: [Double], _ failures: [String], _ record: String?, _ acknowledged: Int) {
            lock.lock()
            defer { lock.unlock() }
            self.latencies += latencies
            self.failures += failures
            if let record { records[record] = acknowledged }
        }

        func summary(seconds: Double, mode: String, clients: Int) -> String {
            lock.lock()
            defer { lock.unlock() }
            let sorted = latencies.sorted()
            func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            let object: [String: Any] = [
                "mode": mode, "clients": clients, "seconds": (seconds * 10).rounded() / 10, "requests": sorted.count,
                "failures": failures.count, "firstFailures": Array(failures.prefix(3)),
                "requestsPerSecond": (Double(sorted.count) / seconds).rounded(),
                "p50ms": (percentile(0.50) * 100).rounded() / 100, "p99ms": (percentile(0.99) * 100).rounded() / 100,
                "maxms": ((sorted.last ?? 0) * 100).rounded() / 100, "records": records,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }
}
