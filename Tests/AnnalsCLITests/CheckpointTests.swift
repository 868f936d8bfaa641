import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

/// Whoever can write the store's files can rewrite history consistently; a signed checkpoint kept
/// elsewhere makes every such change fail `verify --against`, naming the position.
@Suite("Signed checkpoints and backups", .onOwnThreads)
struct CheckpointTests {
    /// A seeded store, a key outside it and a checkpoint of its head.
    func setUp() throws -> (CLIWorkspace, key: String, checkpoint: String) {
        let w = try CLIWorkspace()
        try w.seed()
        let key = w.directory.appending("keys/checkpoint.key")
        let created = try w.run(["key", "init", "--key", key])
        #expect(created.status == 0 && created.stdout.contains("public key"), "\(created.stderr)")
        let checkpoint = w.directory.appending("checkpoints.jsonl")
        let signed = try w.run(["checkpoint", "--key", key])
        #expect(signed.status == 0, "\(signed.stderr)")
        try signed.stdout.write(toFile: checkpoint, atomically: true, encoding: .utf8)
        return (w, key, checkpoint)
    }

    func verify(_ w: CLIWorkspace, _ key: String, _ checkpoint: String, store: String? = nil, covered: Bool = false) throws -> BuiltProgram.Result {
        try w.run(["verify", "--against", checkpoint, "--key", key] + (covered ? ["--require-covered"] : []) + (store.map { ["--store", $0] } ?? []))
    }

    @Test("the key is created 0600 outside the store, never replaced, and refused when others can read it")
    func keyFile() throws {
        let (w, key, _) = try setUp()
        var info = stat()
        #expect(stat(key, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let again = try w.run(["key", "init", "--key", key])
        #expect(again.status == 1 && again.stderr.contains("already exists"))
        chmod(key, 0o644)
        let loose = try w.run(["checkpoint", "--key", key])
        #expect(loose.status == 1 && loose.stderr.contains("can be read by other users"))
    }

    @Test("each kind of rewrite passes plain verify but fails against a checkpoint, at the right position")
    func tampering() throws {
        let (w, key, checkpoint) = try setUp()
        #expect(try verify(w, key, checkpoint).status == 0)
        let cases: [([String], Int32, String)] = [
            (["rewrite", "3"], 0, "verification failed at position 16: checkpoint"),
            (["truncate", "10"], 0, "the log ends at position 10, before the checkpointed position 16"),
            (["append"], 0, "verification failed at position 17: 1 events after the newest matching checkpoint"),
            (["past-head"], 4, "verification failed at position 17: event past the head"),
        ]
        var detected = 0
        for (tamper, plainStatus, message) in cases {
            let copy = w.directory.appending("tampered-\(tamper[0])")
            try FileManager.default.copyItem(atPath: w.store, toPath: copy)
            let done = try Helper.run(["tamper", copy] + tamper)
            try #require(done.status == 0 && done.lines == ["tampered"], "the tamper tool failed: \(done)")
            // The attacker also rebuilds the projections, so they agree with the forged log.
            if tamper[0] != "past-head" { #expect(try w.run(["rebuild", "--store", copy]).status == 0) }
            #expect(try w.run(["verify", "--store", copy]).status == plainStatus, "plain verify after \(tamper)")
            let result = try verify(w, key, checkpoint, store: copy, covered: true)
            #expect(result.status == 4 && result.stderr.contains(message), "\(tamper): \(result.stderr)")
            if result.status == 4 { detected += 1 }
        }
        #expect(detected == cases.count)
        // A write to the store with an event past its head is refused in words, not LMDB's code.
        let refused = try w.run(["correct", "event/lang-son-2021-ngo-aid", "--store", w.directory.appending("tampered-past-head"),
                                 "--set", "place=Hà Nội", "--reason", "sửa"])
        #expect(refused.status == 1 && refused.stderr.contains("the store is damaged at position 17: an event at position 17 is already stored")
                && !refused.stderr.contains("MDB_"), "\(refused.status): \(refused.stderr)")
    }

    @Test("a store rolled back to an older backup fails against a later checkpoint")
    func rollback() throws {
        let w = try CLIWorkspace()
        try w.seed()
        let key = w.directory.appending("k")
        try w.expectOK(["key", "init", "--key", key])
        let old = w.directory.appending("old-backup")
        try w.expectOK(["backup", old])
        try w.expectOK(["correct", "event/lang-son-2021-ngo-aid", "--set", "place=Hà Nội", "--reason", "sửa"])
        let checkpoint = w.directory.appending("later.jsonl")
        try w.expectOK(["checkpoint", "--key", key]).write(toFile: checkpoint, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: w.store)
        try FileManager.default.copyItem(atPath: old, toPath: w.store)
        try FileManager.default.removeItem(atPath: w.store + "/annals-backup.json")
        #expect(try w.run(["verify"]).status == 0)
        let result = try verify(w, key, checkpoint)
        #expect(result.status == 4 && result.stderr.contains("the log ends at position 16, before the checkpointed position 17"), "\(result.stderr)")
    }

    @Test("an altered checkpoint, another key's checkpoint and another store's checkpoint are not trusted")
    func untrusted() throws {
        let (w, key, checkpoint) = try setUp()
        let text = try String(contentsOfFile: checkpoint, encoding: .utf8)
        let altered = w.directory.appending("altered.jsonl")
        try text.replacingOccurrences(of: "\"position\":16", with: "\"position\":15").write(toFile: altered, atomically: true, encoding: .utf8)
        let bad = try verify(w, key, altered)
        #expect(bad.status == 4 && bad.stderr.contains("signature does not verify"), "\(bad.stderr)")

        let otherKey = w.directory.appending("other.key")
        try w.expectOK(["key", "init", "--key", otherKey])
        let foreign = w.directory.appending("foreign.jsonl")
        try w.expectOK(["checkpoint", "--key", otherKey]).write(toFile: foreign, atomically: true, encoding: .utf8)
        let untrusted = try verify(w, key, foreign)
        #expect(untrusted.status == 4 && untrusted.stderr.contains("signed by another key"), "\(untrusted.stderr)")

        let other = w.directory.appending("other-store")
        #expect(try w.run(["init", "--store", other]).status == 0)
        #expect(try w.run(["import", RepositoryFiles.path("docs/examples/records.jsonl"), "--store", other]).status != 2)
        let wrongStore = try verify(w, key, checkpoint, store: other)
        #expect(wrongStore.status == 4 && wrongStore.stderr.contains("is a checkpoint of store"), "\(wrongStore.stderr)")
    }

    @Test("a backup is 0600 whatever the umask, records the head it copied, and verify on it reports the checkpoint it matches")
    func backups() throws {
        let (w, key, checkpoint) = try setUp()
        let target = w.directory.appending("backup")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "umask 000; exec \"$0\" backup \"$1\"", w.annals.path, target]
        shell.environment = ProcessInfo.processInfo.environment.merging(["ANNALS_STORE": w.store]) { $1 }
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        for name in ["data.mdb", "annals-backup.json"] {
            var info = stat()
            #expect(stat(target + "/" + name, &info) == 0 && info.st_mode & 0o077 == 0, "\(name) is readable by others")
        }
        let report = try verify(w, key, checkpoint, store: target)
        #expect(report.status == 0 && report.stdout.contains("a backup of store") && report.stdout.contains("checkpoint of position 16"), "\(report.stdout)")
        #expect(try w.run(["correct", "event/lang-son-2021-ngo-aid", "--set", "place=X", "--reason", "x", "--store", target]).status == 0)
        let changed = try w.run(["verify", "--store", target])
        #expect(changed.status == 4 && changed.stderr.contains("it was changed after the copy"), "\(changed.stderr)")
    }
}
