import AnnalsCore
import AnnalsLMDBLog
import AnnalsPostgres
import AnnalsProjections
import AnnalsTesting
import Foundation

/// The shared log on PostgreSQL (`--store postgres://…`, an empty database), beside the LMDB log
/// on this machine in the same run: batched and single appends to each, a follower's catch-up
/// into a local store with its projections, and the follower's lag under a steady append load.
struct SharedLogBench {
    let log: PostgresEventLog
    let scratch: TemporaryDirectory
    let repetitions: Int

    init(address: String, scratch: TemporaryDirectory, repetitions: Int) throws {
        guard let target = try PostgresTarget(address) else { throw BenchError("--store \(address) is not a postgres:// address") }
        log = PostgresEventLog(target)
        self.scratch = scratch
        self.repetitions = repetitions
        try log.migrate()
        guard try log.head().position == 0 else {
            throw BenchError("\(target) already holds events; give annals-bench an empty database (it appends to it)")
        }
    }

    /// Appends the corpus of `count` events to `target`, `size` events a transaction; seconds spent appending.
    func append(_ count: Int, size: Int, to target: any EventLog) throws -> Double {
        var corpus = try Corpus(events: count)
        var seconds = 0.0
        while corpus.produced < count {
            let appends = corpus.nextBatch(size)
            seconds += try timed { try target.append(appends) }
        }
        return seconds
    }

    func figures(events: Int, singleEdits: Int, lagSeconds: Double, lagRate: Int) throws -> [Figure] {
        let count = min(events, 50_000)
        var batched = Figure(name: "append to PostgreSQL, \(batch)/txn (\(count) events) vs the LMDB log", unit: "events/s")
        var single = Figure(name: "single append to PostgreSQL (\(singleEdits)) vs the LMDB log", unit: "appends/s")
        for round in 0..<repetitions {
            log_("PostgreSQL append round \(round + 1) of \(repetitions)")
            batched.annals.append(Double(count) / (try append(count, size: batch, to: log)))
            single.annals.append(Double(singleEdits) / (try append(singleEdits, size: 1, to: log)))
            let local = try LMDBEventLog(path: scratch.appending("pg-baseline-\(round)"))
            batched.raw.append(Double(count) / (try append(count, size: batch, to: local)))
            single.raw.append(Double(singleEdits) / (try append(singleEdits, size: 1, to: local)))
            local.environment.close()
            try? FileManager.default.removeItem(atPath: scratch.appending("pg-baseline-\(round)"))
        }

        // A new follower catches up with everything appended so far, into a local store with its projections.
        log_("a follower catches up")
        let store = try ProjectedStore(path: scratch.appending("follower"), create: true)
        defer { store.close() }
        let follower = SharedLogReplica(store: store, source: log, address: log.target.description)
        try follower.adopt()
        var catchUp = Figure(name: "follower catch-up into LMDB with projections", unit: "events/s")
        let total = try log.head().position
        catchUp.annals.append(Double(total) / (try timed { try follower.catchUp() }))

        log_("follower lag: \(lagRate) appends/s for \(Int(lagSeconds)) s")
        let lags = try lag(follower, seconds: lagSeconds, rate: lagRate)
        var p50 = Figure(name: "follower lag p50, commit to applied (\(lagRate) appends/s)", unit: "ms", higherIsBetter: false)
        var p99 = Figure(name: "follower lag p99", unit: "ms", higherIsBetter: false)
        var worst = Figure(name: "follower lag max", unit: "ms", higherIsBetter: false)
        p50.annals = [percentile(lags, 0.50)]
        p99.annals = [percentile(lags, 0.99)]
        worst.annals = [lags.max() ?? 0]
        return [batched, single, catchUp, p50, p99, worst]
    }

    /// One appender commits single events at `rate` per second for `seconds`, noting when each
    /// append returned; the follower (polling every 20 ms, as `annals follow` does) notes when each
    /// position was applied. Returns the milliseconds between the two for every event.
    func lag(_ follower: SharedLogReplica, seconds: Double, rate: Int) throws -> [Double] {
        let times = LagTimes()
        let appender = try PostgresEventLog(PostgresTarget(log.target.description) ?? { throw BenchError("no address") }())
        defer { appender.close() }
        let stop = LagTimes.Flag()
        let done = DispatchSemaphore(value: 0)
        let appending = Thread {
            var corpus = try? Corpus(events: Int(seconds) * rate + 1)
            let interval = 1.0 / Double(rate)
            let start = Date()
            for index in 0..<Int(seconds * Double(rate)) {
                let due = start.addingTimeInterval(Double(index) * interval)
                if due > Date() { Thread.sleep(until: due) }
                guard let appends = corpus?.nextBatch(1), let stored = try? appender.append(appends) else { continue }
                let now = DispatchTime.now().uptimeNanoseconds
                for event in stored { times.acked(event.position, at: now) }
            }
            stop.set()
            done.signal()
        }
        appending.start()
        var last = try follower.position()
        while true {
            let finished = stop.isSet
            try follower.catchUp { position, _ in
                let now = DispatchTime.now().uptimeNanoseconds
                if position > last { for applied in (last + 1)...position { times.applied(applied, at: now) } }
                last = position
            }
            if finished { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        done.wait()
        try follower.catchUp { position, _ in
            let now = DispatchTime.now().uptimeNanoseconds
            if position > last { for applied in (last + 1)...position { times.applied(applied, at: now) } }
            last = position
        }
        return times.lags()
    }
}

/// When each position was acknowledged to the appender and applied by the follower.
final class LagTimes: @unchecked Sendable {
    private let lock = NSLock()
    private var acks: [UInt64: UInt64] = [:]
    private var applies: [UInt64: UInt64] = [:]

    func acked(_ position: UInt64, at time: UInt64) { lock.withLock { acks[position] = time } }
    func applied(_ position: UInt64, at time: UInt64) { lock.withLock { applies[position] = time } }

    /// Milliseconds from acknowledgement to application, per event both saw (0 when the follower
    /// applied it before the appender's acknowledgement came back).
    func lags() -> [Double] {
        lock.withLock {
            acks.compactMap { position, acked in applies[position].map { $0 > acked ? Double($0 - acked) / 1e6 : 0 } }
        }
    }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }
}

func percentile(_ values: [Double], _ fraction: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
}
