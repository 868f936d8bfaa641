import AnnalsCore
import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real OS processes against one store: concurrent writers, SIGKILL at random moments, and a
/// bounded-memory scan measured in a process of its own.
@Suite("Event log across processes", .onOwnThreads, .serialized)
struct ProcessTests {
    @Test("four processes append concurrently to overlapping streams; nothing is lost or doubled")
    func concurrentWriters() throws {
        let store = try TemporaryStore()
        store.close()
        let workers = 4, perWorker = 120
        // A small map forces the workers to grow it while the others are writing.
        let children = try (0..<workers).map { worker in
            try Helper.start(["append-worker", store.path, String(worker), String(perWorker), "3"],
                             environment: ["ANNALS_TEST_MAP_SIZE": String(128 * 1024)])
        }
        var acknowledged: [String] = []
        for (process, out) in children {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            acknowledged += String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
                $0.hasPrefix("ack ") ? String($0.dropFirst(4)) : nil
            }
        }
        #expect(acknowledged.count == workers * perWorker)
        let log = try store.open()
        let all = try log.readLog(from: 1, limit: 10_000)
        #expect(all.map(\.position) == Array(1...UInt64(workers * perWorker)))
        let stored = all.map(\.id.uuidString)
        #expect(Set(stored).count == stored.count, "an event is stored twice")
        #expect(Set(stored) == Set(acknowledged), "acknowledged and stored events differ")
        for stream in 0..<3 {
            let versions = try log.readStream(StreamID("shared/\(stream)")).map(\.streamVersion)
            #expect(versions == Array(1...UInt64(versions.count)))
        }
        let report = try log.verify()
        #expect(report.isValid, "\(String(describing: report.problem))")
    }

    @Test("SIGKILL at random moments loses no acknowledged batch and leaves no partial one")
    func killedWriter() throws {
        let store = try TemporaryStore()
        store.close()
        var reported = Set<UInt64>()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20 {
            let (process, out) = try Helper.start(["crash-writer", store.path])
            // Early rounds sometimes kill before the first commit. Later ones kill mid-stream: they
            // wait for the writer's first commit of the round, however long a loaded machine takes
            // to start it, and then kill it at a random moment.
            var early = Data()
            if round >= 3 {
                // A writer that prints nothing for a minute is killed as it is.
                var ready = pollfd(fd: out.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
                while !String(decoding: early, as: UTF8.self).contains("committed ") {
                    let polled = poll(&ready, 1, 60_000)
                    if polled < 0, errno == EINTR { continue }
                    guard polled > 0 else { break }
                    let chunk = out.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    early.append(chunk)
                }
            }
            usleep(UInt32.random(in: (round < 3 ? 1_000...150_000 : 0...100_000), using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "round \(round): the writer was not killed")
            let output = String(decoding: early + out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            for line in output.split(separator: "\n") where line.hasPrefix("committed ") {
                if let batch = UInt64(line.dropFirst(10)) { reported.insert(batch) }
            }

            let log = try store.open()
            let report = try log.verify()
            #expect(report.isValid, "round \(round): \(String(describing: report.problem))")
            let head = try log.head().position
            #expect(head % 5 == 0, "round \(round): a partial batch is stored (head \(head))")
            let batches = head / 5
            for batch in reported {
                #expect(batch < batches, "round \(round): acknowledged batch \(batch) is missing")
            }
            for batch in 0..<batches {
                for index in 0..<5 as Range<UInt64> {
                    let id = EventFactory.deterministicID(batch, index)
                    guard let event = try log.event(id: id) else {
                        Issue.record("round \(round): batch \(batch) lacks event \(index)")
                        continue
                    }
                    #expect(event.position == batch * 5 + index + 1)
                }
            }
            store.close()
        }
        #expect(reported.count > 20, "the writer committed too little to test anything: \(reported.count) batches")
    }

    @Test("a 1 MiB map grows while 100,000 events are appended; a full scan stays in bounded memory")
    func growthAndBoundedScan() throws {
        let store = try TemporaryStore()
        store.close()
        let fill = try Helper.run(["fill", store.path, "100000"], environment: ["ANNALS_TEST_MAP_SIZE": String(1 << 20)])
        #expect(fill.status == 0)
        #expect(fill.lines.last == "filled 100000")
        let scan = try Helper.run(["scan", store.path])
        #expect(scan.status == 0)
        let fields = Dictionary(uniqueKeysWithValues: scan.lines.last?.split(separator: " ").compactMap { field -> (String, Int)? in
            let parts = field.split(separator: "=")
            guard parts.count == 2, let value = Int(parts[1]) else { return nil }
            return (String(parts[0]), value)
        } ?? [])
        #expect(fields["count"] == 100_000)
        // The log holds over 100 MB of payload; reading it chunk by chunk must not hold it all.
        let growth = try #require(fields["growthKB"])
        #expect(growth < 32 * 1024, "scanning grew anonymous memory by \(growth) KiB")
        let log = try store.open()
        #expect(try log.environment.usage().mapSize >= 100_000 * 1000)
        #expect(try log.verify().isValid)
    }
}
