import AnnalsLMDB
import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Damaged, foreign and read-only stores, and full disks: one clear error line and exit 1, never
/// a signal, and nothing created or changed.
@Suite("Damaged, foreign and read-only stores", .onOwnThreads)
struct DamagedStoreTests {
    /// Every file under `path` with its bytes, to show a refused command changed nothing. The
    /// content of LMDB's lock file (its reader table, written by any open) is left out.
    func snapshot(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            files[name] = name == "lock.mdb" ? Data() : FileManager.default.contents(atPath: path + "/" + name) ?? Data()
        }
        return files
    }

    func expectRefused(_ w: CLIWorkspace, _ arguments: [String], store: String, saying message: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try snapshot(store)
        let result = try w.run(arguments + ["--store", store])
        #expect(result.status == 1, "annals \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("error: ") && result.stderr.contains(message) && result.stderr.split(separator: "\n").count == 1,
                "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(try snapshot(store) == before, "annals \(arguments.joined(separator: " ")) changed \(store)", sourceLocation: sourceLocation)
    }

    @Test("a truncated data file is refused with one line, for reads, verify and writes alike")
    func truncated() throws {
        let w = try CLIWorkspace(binary: true)
        try w.seed()
        for size in [32768, 4096, 100] {
            let copy = w.directory.appending("cut-\(size)")
            try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
            let data = try #require(FileManager.default.contents(atPath: w.store + "/data.mdb"))
            try data.prefix(size).write(to: URL(fileURLWithPath: copy + "/data.mdb"))
            let expected = size == 100 ? "not an Annals store" : "damaged store"
            for arguments in [["verify"], ["stats"], ["show", "event/lang-son-2021-ngo-aid"], ["correct", "event/lang-son-2021-ngo-aid", "--set", "place=X", "--reason", "x"]] {
                try expectRefused(w, arguments, store: copy, saying: expected)
            }
        }
    }

    @Test("an empty folder, an empty data file, another program's LMDB and a symlinked data file are not stores, and stay untouched")
    func notStores() throws {
        let w = try CLIWorkspace(binary: true)
        let empty = w.directory.appending("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try expectRefused(w, ["verify"], store: empty, saying: "not an Annals store")
        try expectRefused(w, ["stats"], store: empty, saying: "not an Annals store")

        let emptyFile = w.directory.appending("empty-file")
        try FileManager.default.createDirectory(atPath: emptyFile, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: emptyFile + "/data.mdb", contents: Data())
        try expectRefused(w, ["stats"], store: emptyFile, saying: "data.mdb is empty")

        let foreign = w.directory.appending("foreign")
        let env = try Environment(path: foreign)
        let other = try env.database("inventory")
        try env.write { txn in try txn.put(other, Array("widgets".utf8), Array("12".utf8)) }
        env.close()
        for arguments in [["stats"], ["verify"], ["correct", "event/x", "--set", "place=X", "--reason", "x"]] {
            try expectRefused(w, arguments, store: foreign, saying: "not an Annals store")
        }

        let linked = w.directory.appending("linked")
        try FileManager.default.createDirectory(atPath: linked, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: linked + "/data.mdb", withDestinationPath: foreign + "/data.mdb")
        let target = try snapshot(foreign)
        try expectRefused(w, ["stats"], store: linked, saying: "symbolic link")
        #expect(try snapshot(foreign) == target)
    }

    @Test("a read creates nothing, not even LMDB's lock file of a copied store")
    func readCreatesNothing() throws {
        let w = try CLIWorkspace(binary: true)
        try w.seed()
        let copy = w.directory.appending("copy")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: w.store + "/data.mdb", toPath: copy + "/data.mdb")
        for arguments in [["verify"], ["stats"], ["audit"], ["show", "event/lang-son-2021-ngo-aid"]] {
            let result = try w.run(arguments + ["--store", copy])
            #expect(result.status == 0 && result.stderr.contains("reading without the store's lock file"), "\(arguments): \(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: copy) == ["data.mdb"])
    }

    @Test("on read-only media every read works and every write says so")
    func readOnlyMedia() throws {
        let mount: ScratchMount
        switch ScratchMount.make(bytes: 4 << 20) {
        case .success(let made): mount = made
        case .failure(let reason): print(reason); return
        }
        defer { mount.remove() }
        let w = try CLIWorkspace(binary: true)
        try w.seed()
        let store = mount.path + "/store"
        try FileManager.default.copyItem(atPath: w.store, toPath: store)
        try #require(mount.remount(readOnly: true))
        for arguments in [["stats"], ["verify"], ["show", "event/lang-son-2021-ngo-aid"], ["find", "vac xin"], ["audit"], ["export"],
                          ["aggregates"], ["history", "event/lang-son-2021-ngo-aid"]] {
            let result = try w.run(arguments + ["--store", store])
            #expect(result.status == 0, "\(arguments) on read-only media: \(result.stderr)")
        }
        try expectRefused(w, ["correct", "event/lang-son-2021-ngo-aid", "--set", "place=X", "--reason", "x"], store: store, saying: "read-only media")
        // What the refusal recommends works there: a backup to writable space, which verifies.
        let copy = w.directory.appending("from-read-only")
        let backup = try w.run(["backup", copy, "--store", store])
        #expect(backup.status == 0, "backup on read-only media: \(backup.stderr)")
        #expect(try w.run(["verify", "--store", copy]).status == 0)
    }

    @Test("a killed backup leaves nothing in the way: the next one removes its hidden folder and its leftovers, and succeeds")
    func killedBackup() throws {
        let w = try CLIWorkspace(binary: true)
        try w.seed()
        // A process that has ended stands for the killed backup: its staging folder, with a
        // complete data file and no head record, beside the target.
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let target = w.directory.appending("nightly")
        let abandoned = w.directory.appending(".annals-partial-backup-nightly-\(ended.processIdentifier)-0000")
        try FileManager.default.createDirectory(atPath: abandoned, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: w.store + "/data.mdb", toPath: abandoned + "/data.mdb")
        // And what an older annals killed between its moves left in the target itself.
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: target + "/data.mdb.partial", contents: Data(repeating: 0, count: 4096))
        let backup = try w.run(["backup", target])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).sorted() == ["annals-backup.json", "data.mdb"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: w.directory.path).allSatisfy { !$0.hasPrefix(".annals-partial") })
        #expect(try w.run(["verify", "--store", target]).status == 0)
        // A target with anything else in it is still refused.
        let other = w.directory.appending("other")
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: other + "/notes.txt", contents: Data("ghi chú".utf8))
        let refused = try w.run(["backup", other])
        #expect(refused.status == 1 && refused.stderr.contains("is not empty"), "\(refused.stderr)")
    }

    @Test("a store owned by another user can be read by a user without write access")
    func otherUser() throws {
        guard geteuid() == 0, ScratchMount.run(["runuser", "-u", "nobody", "--", "true"]) == 0 else {
            print("SKIPPED: needs root and runuser to act as another user")
            return
        }
        let w = try CLIWorkspace(binary: true)
        try w.seed()
        // A world-readable copy of the binary and the store, in a folder nobody can reach.
        let shared = try TemporaryDirectory(prefix: "annals-other-user")
        defer { shared.remove() }
        let binary = shared.appending("annals")
        try FileManager.default.copyItem(atPath: w.annals.path, toPath: binary)
        let store = shared.appending("store")
        try FileManager.default.copyItem(atPath: w.store, toPath: store)
        #expect(ScratchMount.run(["chmod", "-R", "a+rX,go-w", shared.path]) == 0)
        #expect(ScratchMount.run(["chmod", "a+rx", FileManager.default.temporaryDirectory.path]) == 0)
        let before = try snapshot(store)
        let read = try ToolRun.run("/usr/sbin/runuser", ["-u", "nobody", "--", binary, "verify", "--store", store])
        #expect(read.status == 0 && read.output.contains("verified 16 events"), "\(read.output)")
        #expect(try snapshot(store) == before)
    }

    @Test("a full disk refuses an import as a whole and init cleanly, in words; the store still verifies")
    func fullDisk() throws {
        let mount: ScratchMount
        switch ScratchMount.make(bytes: 2 << 20) {
        case .success(let made): mount = made
        case .failure(let reason): print(reason); return
        }
        defer { mount.remove() }
        let w = try CLIWorkspace(binary: true)
        let store = mount.path + "/store"
        #expect(try w.run(["init", "--store", store]).status == 0)
        #expect(try w.run(["import", RepositoryFiles.path("docs/examples/seed-facts.jsonl"), "--store", store]).status != 2)
        // About 5 MB of records of this test's own writing, more than the device holds.
        let big = w.directory.appending("big.jsonl")
        let lines = (0..<400).map { i in
            #"{"recordType":"diplomacyEvent","id":"event/fill-\#(i)","kind":"meeting","title":"Họp \#(i)","date":"2021-05-01","description":""#
                + String(repeating: "Biên bản cuộc họp số \(i) ghi lại ý kiến các bên. ", count: 250) + #""}"#
        }
        try lines.joined(separator: "\n").write(toFile: big, atomically: true, encoding: .utf8)
        let stats = try w.run(["stats", "--json", "--store", store]).stdout
        let result = try w.run(["import", big, "--store", store])
        #expect(result.status == 1 && result.stderr.contains("no space left on the device holding the store"), "\(result.stderr)")
        #expect(try w.run(["stats", "--json", "--store", store]).stdout.split(separator: ",").filter { $0.contains("events") } ==
                stats.split(separator: ",").filter { $0.contains("events") }, "a failed import left some records")
        #expect(try w.run(["verify", "--store", store]).status == 0)

        mount.fill()
        let second = mount.path + "/second"
        let refused = try w.run(["init", "--store", second])
        #expect(refused.status == 1 && refused.stderr.contains("no space left"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: second))
    }

    @Test("SIGBUS, which no open-time check can rule out for a file cut while mapped, ends in one line and exit 1")
    func busSignal() throws {
        let w = try CLIWorkspace(binary: true)
        try w.seed()
        // Hold the maintenance lock so that rebuild waits, with the store open, for the signal.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [w.store + "/data.mdb", "sleep", "30"]
        try holder.run()
        defer { holder.terminate() }
        Thread.sleep(forTimeInterval: 0.3)
        let (rebuild, _, errors) = try w.annals.start(["rebuild", "--store", w.store], captureErrors: true)
        Thread.sleep(forTimeInterval: 1.0)
        kill(rebuild.processIdentifier, SIGBUS)
        let text = String(decoding: errors?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        rebuild.waitUntilExit()
        #expect(rebuild.terminationReason == .exit && rebuild.terminationStatus == 1, "\(text)")
        #expect(text.contains("error: a store file could not be read or written through its memory map"), "\(text)")
        #expect(!text.contains("Backtrac"))
    }
}
