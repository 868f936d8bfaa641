import AnnalsTesting
import Foundation
import Testing

@Suite("Rebuild and verify beside each other", .serialized)
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

    /// Runs several `annals` commands at once and returns their results in order.
    static func concurrently(_ w: CLIWorkspace, _ commands: [[String]]) -> [BuiltProgram.Result?] {
        let results = ResultSlots(count: commands.count)
        let annals = w.annals, store = w.store
        DispatchQueue.concurrentPerform(iterations: commands.count) { index in
            results.set(index, try? annals.run(commands[index], environment: ["ANNALS_STORE": store, "ANNALS_ACTOR": "tester", "CI": "true"]))
        }
        return results.all
    }

    @Test("two rebuilds and a verify started together: the second rebuild waits, nothing is corrupted")
    func concurrentRebuilds() throws {
        let w = try CLIWorkspace()
        try Self.generatedStore(w, articles: 1500)
        let before = try w.json(try w.expectOK(["stats", "--json"]))
        let found = try w.expectOK(["find", "hoi nghi hop tac", "--json"])
        // Two rounds at least; up to four while no rebuild has yet waited for the other: a rebuild
        // can end before the other starts, so the waiting is counted, not assumed.
        var roundsWithAWait = 0
        for round in 0..<4 where round < 2 || roundsWithAWait == 0 {
            let results = Self.concurrently(w, [["rebuild"], ["rebuild"], ["verify"]])
            for (command, result) in zip(["rebuild", "rebuild", "verify"], results) {
                #expect(result?.status == 0, "round \(round): \(command) exited \(String(describing: result?.status)): \(result?.stderr ?? "did not run")")
            }
            let waited = results.prefix(2).filter { $0?.stderr.contains("waiting for it to finish") == true }.count
            #expect(waited <= 1, "round \(round): \(waited) rebuilds waited for the other; at most one can")
            roundsWithAWait += waited
            let after = try w.json(try w.expectOK(["stats", "--json"]))
            #expect(after["articles"] as? Int == 1500 && after["diplomacyEvents"] as? Int == 1500, "round \(round): \(after)")
            #expect(after["articles"] as? Int == before["articles"] as? Int)
            #expect(try w.expectOK(["find", "hoi nghi hop tac", "--json"]) == found)
            try w.expectOK(["verify"])
        }
        #expect(roundsWithAWait > 0, "in four rounds no rebuild overlapped the other")
    }

    @Test("rebuild --no-wait is refused while another rebuild runs, and writes nothing")
    func noWait() throws {
        let w = try CLIWorkspace()
        try Self.generatedStore(w, articles: 1500)
        let results = Self.concurrently(w, [["rebuild"], ["rebuild", "--no-wait"]])
        let refused = results.compactMap { $0 }.filter { $0.status != 0 }
        // The two start together; when the waiting one happened to start after the other finished,
        // both succeed and the check below is vacuous for that run, so it is counted, not assumed.
        for result in refused {
            #expect(result.stderr.contains("another annals rebuild or migrate is rebuilding the projections"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        #expect(results.compactMap { $0 }.filter { $0.status == 0 }.count >= 1)
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

/// Results written by concurrent workers, each to its own slot, read after they all finished.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [BuiltProgram.Result?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: BuiltProgram.Result?) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    var all: [BuiltProgram.Result?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
