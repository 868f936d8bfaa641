import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

@Suite("Rebuild and verify beside each other", .onOwnThreads, .serialized)
struct MaintenanceTests {
    /// A store with `articles` generated articles and as many diplomacy events, imported by the binary.
    static func generatedStore(_ w: CLIWorkspace, articles: Int) throws {
        var lines: [String] = []
        for i in 0..<articles {
            lines.append(#"{"recordType":"article","url":"https://example.vn/the-gioi/\#(10_000 + i)-tin.html","title":"Hội nghị hợp tác số \#(i)","publishedAt":"20\#(10 + i % 12)-03-14","viewCount":{"count":\#(i)},"paragraphs":["Đoạn \#(i) về biên giới và hợp tác."],"keywords":["biên giới"]}"#)
            lines.append(#"{"recordType":"diplomacyEvent","id":"event/generated-\#(i)","kind":"aid-received","title":"Viện trợ \#(i)","date":"20\#(10 + i % 12)","counterparts":[{"name":"Đối tác \#(i % 7)"}],"quantities":[{"metric":"ngo-aid","value":"\#(i).5","unit":"USD"}]}"#)
        }
        let file = w.directory.appending("generated.jsonl")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try w.expectOK(["import", file])
        #expect(imported.contains("created \(2 * articles),"), "\(imported)")
    }

    @Test("two rebuilds and a verify started while the maintenance lock is held: both rebuilds wait, verify does not, nothing is corrupted")
    func concurrentRebuilds() throws {
        let w = try CLIWorkspace()
        try Self.generatedStore(w, articles: 1500)
        let before = try w.json(try w.expectOK(["stats", "--json"]))
        let found = try w.expectOK(["find", "hoi nghi hop tac", "--json"])
        // The test holds the lock a rebuild takes, so both rebuilds must wait however fast they run;
        // it lets go only once each has said so, and then the two run one after the other.
        let lock = try HeldMaintenanceLock(store: w.store)
        let environment = ["ANNALS_STORE": w.store, "ANNALS_ACTOR": "tester", "CI": "true"]
        let rebuilds = try (0..<2).map { _ in try StartedCommand(w.annals, ["rebuild"], environment: environment) }
        let verify = try StartedCommand(w.annals, ["verify"], environment: environment)
        let verified = verify.finish()
        #expect(verified.status == 0, "verify exited \(verified.status) while the lock was held: \(verified.stderr)")
        for (index, rebuild) in rebuilds.enumerated() {
            #expect(rebuild.waitForErrorOutput(containing: "waiting for it to finish", seconds: 120), "rebuild \(index) never said it waits: \(rebuild.errorsSoFar)")
        }
        lock.release()
        for (index, rebuild) in rebuilds.enumerated() {
            let result = rebuild.finish()
            #expect(result.status == 0, "rebuild \(index) exited \(result.status): \(result.stderr)")
            #expect(result.stdout.contains("from 3000 events"), "\(result.stdout)")
        }
        let after = try w.json(try w.expectOK(["stats", "--json"]))
        #expect(after["articles"] as? Int == 1500 && after["diplomacyEvents"] as? Int == 1500, "\(after)")
        #expect(after["articles"] as? Int == before["articles"] as? Int)
        #expect(try w.expectOK(["find", "hoi nghi hop tac", "--json"]) == found)
        try w.expectOK(["verify"])
    }

    @Test("rebuild --no-wait is refused while another holds the maintenance lock, in one line, and writes nothing")
    func noWait() throws {
        let w = try CLIWorkspace()
        try w.seed()
        let fingerprint = try w.fingerprint()
        let lock = try HeldMaintenanceLock(store: w.store)
        let refused = try w.run(["rebuild", "--no-wait"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("another rebuild or migration is rebuilding this store's projections"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        lock.release()
        #expect(try w.fingerprint() == fingerprint, "a refused rebuild changed the store")
        try w.expectOK(["rebuild", "--no-wait"])
        try w.expectOK(["verify"])
    }

    @Test("verify writes nothing: it passes on a read-only copy and leaves its data file byte for byte")
    func verifyReadOnlyCopy() throws {
        let w = try CLIWorkspace()
        try w.seed()
        let copy = w.directory.appending("copy")
        try w.expectOK(["backup", copy])
        let manager = FileManager.default
        for file in try manager.contentsOfDirectory(atPath: copy) {
            try manager.setAttributes([.posixPermissions: 0o444], ofItemAtPath: copy + "/" + file)
        }
        try manager.setAttributes([.posixPermissions: 0o555], ofItemAtPath: copy)
        defer { try? manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy) }
        let data = try Data(contentsOf: URL(fileURLWithPath: copy + "/data.mdb"))
        let files = try manager.contentsOfDirectory(atPath: copy).sorted()
        let result = try w.run(["verify", "--store", copy])
        #expect(result.status == 0, "verify on a read-only copy exited \(result.status): \(result.stderr)")
        #expect(result.stdout.contains("all 4 projections agree"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy + "/data.mdb")) == data, "verify changed the data file")
        #expect(try manager.contentsOfDirectory(atPath: copy).sorted() == files)

        let live = w.store + "/data.mdb"
        let size = try manager.attributesOfItem(atPath: live)[.size] as? Int
        try w.expectOK(["verify"])
        #expect(try manager.attributesOfItem(atPath: live)[.size] as? Int == size, "verify grew the live store")
    }
}

/// The lock `annals rebuild` and `migrate` take (`flock(2)` on the store's data file), held by
/// the test process so that a command started meanwhile must wait for it, however fast it runs.
private final class HeldMaintenanceLock {
    private var descriptor: Int32

    init(store: String) throws {
        descriptor = open(store + "/data.mdb", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw CocoaError(.fileLocking, userInfo: [NSFilePathErrorKey: store])
        }
    }

    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

/// An `annals` command running in the background whose standard error is read as it comes, so
/// a test can wait for a line before it acts.
private final class StartedCommand: @unchecked Sendable {
    private let process: Process
    private let output: Pipe
    private let condition = NSCondition()
    private var errors = Data()
    private var errorsClosed = false

    init(_ program: BuiltProgram, _ arguments: [String], environment: [String: String]) throws {
        let (process, output, errorPipe) = try program.start(arguments, environment: environment, captureErrors: true)
        self.process = process
        self.output = output
        let handle = errorPipe?.fileHandleForReading
        Thread.detachNewThread { [self] in
            while let chunk = handle?.availableData, !chunk.isEmpty {
                condition.lock()
                errors.append(chunk)
                condition.broadcast()
                condition.unlock()
            }
            condition.lock()
            errorsClosed = true
            condition.broadcast()
            condition.unlock()
        }
    }

    var errorsSoFar: String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: errors, as: UTF8.self)
    }

    /// Waits up to `seconds` for standard error to contain `text`; false when it ended or the time ran out first.
    func waitForErrorOutput(containing text: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !String(decoding: errors, as: UTF8.self).contains(text) {
            if errorsClosed || !condition.wait(until: deadline) { return false }
        }
        return true
    }

    /// Reads standard output to its end and waits for the exit.
    func finish() -> (status: Int32, stdout: String, stderr: String) {
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        condition.lock()
        while !errorsClosed { condition.wait() }
        let err = errors
        condition.unlock()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
