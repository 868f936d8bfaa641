import AnnalsLMDBLog
import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Followers: local LMDB stores kept up with a shared PostgreSQL log, edited through, killed and
/// cut off, all with the real `annals` binary on a private cluster.
@Suite("Followers of a shared PostgreSQL log", .onOwnThreads, .serialized, .enabled(if: PostgresCluster.missing == nil, Comment(rawValue: PostgresCluster.missing ?? "")))
struct FollowerTests {
    @Test("4 processes on 2 followers append at once: nothing lost, doubled or reordered, and both followers converge")
    func concurrentWritersConverge() throws {
        let work = try FollowerWorkspace(database: "converge")
        let followers = [work.store("f1"), work.store("f2")]
        for store in followers { try work.catchUp(store) }
        let daemons = try followers.map { try work.startFollowing($0) }
        let perWriter = 12
        // Each writer is a sequence of annals processes on its follower: creates, and a correction
        // of every third record it made, each acknowledged only once applied on that follower.
        let acknowledged = Collected<(writer: Int, id: String, edit: String)>(), failures = Collected<String>()
        inParallel(4) { writer in
            let store = followers[writer % 2]
            for index in 0..<perWriter {
                let id = "event/writer\(writer)-\(index)"
                let created = try? work.run(["create", "event", "--store", store, "--set", "id=\(id)", "--set", "kind=meeting",
                                             "--set", "title=Cuộc họp \(index) của nhóm \(writer)", "--set", "date=2024-0\(1 + index % 9)-1\(writer)"],
                                            actor: "người viết \(writer)")
                guard let created, created.status == 0 else { failures.add("create \(id): \(created?.stderr ?? "did not run")"); continue }
                acknowledged.add((writer, id, "create"))
                guard index % 3 == 2 else { continue }
                let corrected = try? work.run(["correct", id, "--store", store, "--set", "title=Cuộc họp \(index) của nhóm \(writer) (đã sửa)",
                                               "--reason", "Sửa tên cuộc họp"], actor: "người viết \(writer)")
                if let corrected, corrected.status == 0 { acknowledged.add((writer, id, "correct")) } else {
                    failures.add("correct \(id): \(corrected?.stderr ?? "did not run")")
                }
            }
        }
        for daemon in daemons { daemon.terminate() }
        for daemon in daemons { daemon.waitUntilExit() }
        #expect(daemons.allSatisfy { $0.terminationStatus == 0 }, "a follow process did not stop cleanly on SIGTERM")
        #expect(failures.all.isEmpty, "\(failures.all)")
        let expected = 4 * perWriter + 4 * (perWriter / 3)
        #expect(acknowledged.all.count == expected, "acknowledged \(acknowledged.all.count) of \(expected) edits")

        for store in followers { try work.catchUp(store) }
        let shared = try work.export(work.address)
        let lines = try FollowerWorkspace.lines(shared)
        #expect(lines.count == expected, "the shared log holds \(lines.count) events for \(expected) acknowledged edits")
        #expect(lines.map { ($0["position"] as? NSNumber)?.intValue ?? 0 } == Array(1...lines.count), "positions are not gapless and in order")
        // Every acknowledged edit is in the log exactly once, and each writer's edits in its order.
        for writer in 0..<4 {
            let mine = acknowledged.all.filter { $0.writer == writer }
            let found = lines.filter { (($0["stream"] as? String) ?? "").hasPrefix("event/writer\(writer)-") }
            #expect(found.count == mine.count, "writer \(writer): \(found.count) events for \(mine.count) acknowledged edits")
            let order = found.map { "\($0["stream"] as? String ?? "") \(($0["type"] as? String ?? "").hasSuffix("Created") ? "create" : "correct")" }
            #expect(order == mine.map { "\($0.id) \($0.edit)" }, "writer \(writer)'s edits are not in the log in the order they were acknowledged")
        }
        // Both followers hold the shared log byte for byte, and the same projections, and verify.
        for store in followers {
            #expect(try work.export(store) == shared, "\(store) does not hold the shared log")
            let verified = try work.expectOK(["verify", "--store", store])
            #expect(verified.contains("its head is at \(expected)") && verified.contains("all 4 projections agree"), "\(verified)")
            #expect(try work.expectOK(["stats", "--store", store, "--json"]).contains(#""follows":"\#(work.address)""#))
        }
        let listed = try followers.map { try work.expectOK(["list", "event", "--store", $0, "--json"]) }
        #expect(listed[0] == listed[1] && listed[0].split(separator: "\n").count == 4 * perWriter)
        #expect(listed[0].contains("Cuộc họp 2 của nhóm 3 (đã sửa)"))
        let aggregates = try followers.map { try work.expectOK(["aggregates", "--store", $0, "--json"]) }
        #expect(aggregates[0] == aggregates[1] && !aggregates[0].isEmpty)
        #expect(try work.expectOK(["verify", "--store", work.address]).contains("verified \(expected) events of the shared log"))
    }

    @Test("an LMDB log moves to PostgreSQL and back with the same positions and hashes; a follower killed mid-batch resumes without gap or double")
    func moveAndKillFollower() throws {
        let work = try FollowerWorkspace(database: "moved")
        let count = 8000
        let input = work.directory.appending("records.jsonl")
        try FollowerWorkspace.records(prefix: "moved", count: count).write(toFile: input, atomically: true, encoding: .utf8)
        let local = work.store("local")
        try work.expectOK(["init", "--store", local])
        try work.expectOK(["import", input, "--store", local])
        let exported = try work.export(local)
        let file = work.directory.appending("local.jsonl")
        try exported.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try work.expectOK(["import-log", file, "--into", work.address]).contains("restored \(count) events"))
        #expect(try work.export(work.address) == exported, "the shared log's export differs from the LMDB store's it was imported from")
        // A second import-log of the same file continues past what is there: nothing to add.
        try work.expectOK(["import-log", file, "--into", work.address])
        #expect(try work.export(work.address) == exported)

        let follower = work.store("follower")
        let process = try work.startFollowing(follower)
        var seen: UInt64 = 0
        let deadline = Date().addingTimeInterval(120)
        // Read in this process: a command per look takes longer than the follower needs for its
        // remaining batches on a busy machine, and the kill would then come after the last one.
        while seen < 1000 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
            seen = (try? logHead(follower)) ?? 0
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let atKill = try work.position(follower)
        #expect(atKill > 0 && atKill < UInt64(count), "the follower was killed at position \(atKill) of \(count): not mid-way, so this run proves less")
        #expect(atKill % 1000 == 0, "a batch was half-applied: position \(atKill)")
        #expect(try work.catchUp(follower).contains("up to position \(count)"))
        #expect(try work.export(follower) == exported, "the resumed follower's log differs from the shared log")
        #expect(try work.expectOK(["verify", "--store", follower]).contains("all 4 projections agree"))
        #expect(try work.expectOK(["list", "event", "--store", follower, "--json"]) == work.expectOK(["list", "event", "--store", local, "--json"]))
        #expect(try work.expectOK(["aggregates", "--store", follower, "--json"]) == work.expectOK(["aggregates", "--store", local, "--json"]))

        // And back: the shared log's export into a new LMDB store.
        let sharedFile = work.directory.appending("shared.jsonl")
        try work.export(work.address).write(toFile: sharedFile, atomically: true, encoding: .utf8)
        let back = work.store("back")
        try work.expectOK(["import-log", sharedFile, "--into", back])
        #expect(try work.export(back) == exported)
        // A follower's store takes no edits of its own into its copy of the log, and an LMDB store
        // with a log of its own cannot become a follower.
        let refused = try work.run(["follow", "--from", work.address, "--store", local, "--once"])
        #expect(refused.status == 1 && refused.stderr.contains("it holds a log of its own"), "\(refused.stderr)")
    }

    @Test("PostgreSQL restarted during appends: writers wait and retry, nothing acknowledged is lost or doubled")
    func serverRestartDuringAppends() throws {
        let work = try FollowerWorkspace(database: "restart")
        let store = work.store("f1")
        try work.catchUp(store)
        let outcomes = Collected<(id: String, status: Int32, stderr: String, started: Date, ended: Date)>()
        let restarted = Collected<(Date, Date)>()
        inParallel(3) { lane in
            if lane == 2 {
                // Once some edits are in, stop the server at once and start it again 2 s later.
                while outcomes.all.filter({ $0.status == 0 }).count < 6 { Thread.sleep(forTimeInterval: 0.05) }
                let stopped = Date()
                try? work.cluster.stop()
                Thread.sleep(forTimeInterval: 2)
                try? work.cluster.start()
                restarted.add((stopped, Date()))
                return
            }
            for index in 0..<25 {
                let id = "event/restart\(lane)-\(index)"
                let started = Date()
                let result = try? work.run(["create", "event", "--store", store, "--set", "id=\(id)", "--set", "kind=visit",
                                            "--set", "title=Chuyến thăm \(index)", "--set", "date=2023-05-0\(1 + index % 9)"])
                outcomes.add((id, result?.status ?? -1, result?.stderr ?? "did not run", started, Date()))
            }
        }
        guard let (stopped, started) = restarted.all.first else { Issue.record("the server was not restarted"); return }
        let all = outcomes.all
        let spanning = all.filter { $0.started < started && $0.ended > stopped }
        #expect(!spanning.isEmpty, "no edit was under way while the server was down")
        // Failures, if any, are one clear line, never a crash; a client retries them.
        for failed in all where failed.status != 0 {
            #expect(failed.status == 1 && failed.stderr.hasPrefix("error: ") && failed.stderr.contains("shared log"), "\(failed.id): \(failed.status) \(failed.stderr)")
            let retried = try work.run(["create", "event", "--store", store, "--set", "id=\(failed.id)", "--set", "kind=visit", "--set", "title=Chuyến thăm", "--set", "date=2023-05-01"])
            #expect(retried.status == 0 || retried.stderr.contains("already exists"), "retry of \(failed.id): \(retried.stderr)")
        }
        let acknowledged = all.filter { $0.status == 0 }.map(\.id)
        #expect(acknowledged.count >= 40, "only \(acknowledged.count) of 50 edits were acknowledged through a 2-second restart")
        let streams = try FollowerWorkspace.lines(work.export(work.address)).compactMap { $0["stream"] as? String }
        for id in acknowledged { #expect(streams.filter { $0 == id }.count == 1, "\(id) is in the shared log \(streams.filter { $0 == id }.count) times") }
        #expect(Set(streams).count == streams.count && streams.count == 50, "\(streams.count) events for 50 records")
        try work.catchUp(store)
        #expect(try work.expectOK(["verify", "--store", store]).contains("its head is at 50"))
    }
}

/// `annals serve` on a follower's store.
@Suite("annals serve on a follower", .onOwnThreads, .serialized, .enabled(if: PostgresCluster.missing == nil, Comment(rawValue: PostgresCluster.missing ?? "")))
struct FollowerServerTests {
    @Test("serves reads locally, sends edits to the shared log and answers once applied; edits from another follower appear")
    func serveOnFollower() throws {
        let work = try FollowerWorkspace(database: "serve")
        let (writer, served) = (work.store("writer"), work.store("served"))
        for store in [writer, served] { try work.catchUp(store) }
        try work.importSeed(into: writer)
        // A user added through one follower is a stream of the shared log: known to every follower.
        let added = try work.expectOK(["user", "add", "lan", "--role", "editor", "--json", "--store", writer])
        let token = (try JSONSerialization.jsonObject(with: Data(added.utf8)) as? [String: Any])?["token"] as? String ?? ""

        let (process, out, _) = try work.annals.start(["serve", "--store", served, "--port", "0"], environment: ["CI": "true"], captureErrors: true)
        defer { process.terminate(); process.waitUntilExit() }
        guard let probe = HTTPProbe(servingLineOf: out.fileHandleForReading) else { Issue.record("annals serve exited before listening"); return }
        let id = "event/lang-son-2021-ngo-aid"
        // The server applies the import and the user from the shared log between requests.
        var current = try probe.request("GET", "/records/\(id)", token: token)
        let deadline = Date().addingTimeInterval(20)
        while current.status != 200 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            current = try probe.request("GET", "/records/\(id)", token: token)
        }
        #expect(current.status == 200, "\(current.status) \(current.text)")
        let version = current.json["version"] as? Int ?? 0
        for round in 0..<5 {
            let value = "\(1_108_750 + round)"
            let corrected = try probe.request("PATCH", "/records/\(id)", token: token, headers: ["If-Match": "\"\(version + round)\""],
                                              json: ["set": ["quantities[0].value": value], "reason": "Đối chiếu lần \(round)"])
            #expect(corrected.status == 200, "\(corrected.status) \(corrected.text)")
            // Read-your-writes: the next read on the same server shows the edit.
            let read = try probe.request("GET", "/records/\(id)", token: token)
            #expect(read.text.contains(value) && read.json["version"] as? Int == version + round + 1, "round \(round): \(read.text)")
        }
        // The edits went to the shared log: the other follower sees them once it follows.
        try work.catchUp(writer)
        let history = try work.expectOK(["history", id, "--store", writer])
        #expect(history.contains("Đối chiếu lần 4") && history.contains("lan"), "\(history)")
        // An edit made on the other follower reaches the server without a request to it.
        try work.expectOK(["correct", id, "--store", writer, "--set", "quantities[0].value=1108742", "--reason", "Khôi phục số gốc"])
        var seen = false
        let until = Date().addingTimeInterval(20)
        while !seen && Date() < until {
            seen = try probe.request("GET", "/records/\(id)", token: token).text.contains("\"1108742\"")
            if !seen { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(seen, "the server never applied the other follower's edit")
        process.terminate()
        process.waitUntilExit()
        #expect(try work.export(served) == work.export(work.address), "the served follower does not hold the shared log after stopping")
        // The token's hash is in the shared database, never in the log, and each follower keeps a
        // copy: a server started while the database is down still signs the user in.
        #expect(!(try work.export(work.address)).contains("tokenHash"))
        let kept = try work.cluster.sql("serve", "SELECT name FROM annals_token_hashes").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(kept == "lan", "the shared database's token hashes: \(kept)")
        try work.cluster.stop()
        let (offline, offlineOut, _) = try work.annals.start(["serve", "--store", served, "--port", "0"], environment: ["CI": "true"], captureErrors: true)
        defer { offline.terminate(); offline.waitUntilExit() }
        guard let offlineProbe = HTTPProbe(servingLineOf: offlineOut.fileHandleForReading) else { Issue.record("annals serve exited before listening"); return }
        let signedIn = try offlineProbe.request("GET", "/records/\(id)", token: token)
        #expect(signedIn.status == 200, "\(signedIn.status) \(signedIn.text)")
    }
}

/// Two machines simulated with a network namespace: the follower runs on the second one.
@Suite("A follower on another machine", .onOwnThreads, .serialized,
       .enabled(if: PostgresCluster.missing == nil && NetworkNamespace.unavailable == nil,
                Comment(rawValue: PostgresCluster.missing ?? NetworkNamespace.unavailable ?? "")))
struct PartitionTests {
    @Test("a follower cut off from the server keeps serving what it holds and catches up after the link returns")
    func cutOffFollowerCatchesUp() throws {
        let work = try FollowerWorkspace(database: "partition")
        let machine = try NetworkNamespace()
        try work.cluster.listen(on: machine.hostAddress, trusting: machine.subnet)
        let writer = work.store("writer"), remote = work.store("remote")
        try work.catchUp(writer)
        let port = work.address.split(separator: ":").last?.split(separator: "/").first.map(String.init) ?? ""
        let remoteAddress = "postgres://annals@\(machine.hostAddress):\(port)/partition"
        let follower = try machine.start(work.annals.path, ["follow", "--from", remoteAddress, "--store", remote, "--interval", "20"],
                                         environment: ["CI": "true"])
        defer { if follower.isRunning { follower.terminate(); follower.waitUntilExit() } }
        func create(_ range: Range<Int>) throws {
            for index in range {
                try work.expectOK(["create", "event", "--store", writer, "--set", "id=event/xa-\(index)", "--set", "kind=meeting",
                                   "--set", "title=Cuộc họp từ xa \(index)", "--set", "date=2022-06-1\(index % 10)"])
            }
        }
        func waitFor(_ position: UInt64, seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if FileManager.default.fileExists(atPath: remote + "/data.mdb"), (try? work.position(remote)) == position { return true }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return false
        }
        try create(0..<10)
        #expect(waitFor(10, seconds: 30), "the remote follower did not reach position 10 over the link")

        try machine.cut()
        try create(10..<20)
        Thread.sleep(forTimeInterval: 3)
        #expect(try work.position(remote) == 10, "the remote follower moved while cut off")
        #expect(follower.isRunning, "the remote follower stopped when its link was cut")
        #expect(try work.expectOK(["show", "event/xa-9", "--store", remote]).contains("Cuộc họp từ xa 9"), "the cut-off follower does not serve what it holds")

        try machine.restore()
        #expect(waitFor(20, seconds: 60), "the remote follower did not catch up within 60 s of the link returning")
        follower.terminate()
        follower.waitUntilExit()
        #expect(follower.terminationStatus == 0)
        #expect(try work.export(remote) == work.export(work.address))
        #expect(try work.expectOK(["verify", "--store", remote]).contains("all 4 projections agree"))
    }
}

/// A follower whose shared log is down.
@Suite("A follower without its shared log", .onOwnThreads, .serialized, .enabled(if: PostgresCluster.missing == nil, Comment(rawValue: PostgresCluster.missing ?? "")))
struct SharedLogDownTests {
    @Test("reads keep working; an edit waits, then fails with one line and changes nothing; follow waits and resumes")
    func sharedLogDown() throws {
        let work = try FollowerWorkspace(database: "down")
        let (store, before) = try work.seededFollower()
        try work.cluster.stop()
        #expect(try work.expectOK(["show", "event/lang-son-2021-ngo-aid", "--store", store]).contains("1108742"))
        let verified = try work.run(["verify", "--store", store])
        #expect(verified.status == 1 && verified.stdout.contains("agree") && verified.stderr.hasPrefix("error: verification incomplete"),
                "\(verified.status): \(verified.stdout) \(verified.stderr)")
        // The wait is the operator's to set (15 s unless told); a bad setting is refused before anything is tried.
        let correction = ["correct", "event/lang-son-2021-ngo-aid", "--store", store, "--set", "quantities[0].value=1", "--reason", "thử"]
        let badSetting = try work.run(correction, environment: ["ANNALS_SHARED_LOG_PATIENCE": "soon"])
        #expect(badSetting.status == 2 && badSetting.stderr.contains("invalid ANNALS_SHARED_LOG_PATIENCE \"soon\""), "\(badSetting.status): \(badSetting.stderr)")
        let started = Date()
        let refused = try work.run(correction, environment: ["ANNALS_SHARED_LOG_PATIENCE": "3"])
        let waited = Date().timeIntervalSince(started)
        #expect(refused.status == 1 && refused.stderr.hasPrefix("error: could not") && refused.stderr.contains("for 3 s")
                && refused.stderr.split(separator: "\n").count == 1, "\(refused.status): \(refused.stderr)")
        #expect(waited >= 2.9, "gave up after \(waited) s")
        #expect(try work.export(store) == before, "a refused edit changed the follower's store")
        // A follow started while the server is down waits for it rather than failing.
        let follower = try work.startFollowing(store)
        Thread.sleep(forTimeInterval: 2)
        #expect(follower.isRunning, "annals follow gave up while the server was down")
        try work.cluster.start()
        try work.expectOK(["correct", "event/lang-son-2021-ngo-aid", "--store", store, "--set", "quantities[0].value=1108745", "--reason", "Báo cáo quyết toán"])
        follower.terminate()
        follower.waitUntilExit()
        #expect(follower.terminationStatus == 0, "annals follow ended with \(follower.terminationStatus) after the server came back")
        let head = try FollowerWorkspace.lines(before).count + 1
        #expect(try work.expectOK(["verify", "--store", store]).contains("its head is at \(head)"))
    }
}

/// Signed checkpoints work the same against the shared log and its followers.
@Suite("Signed checkpoints of a shared log", .onOwnThreads, .serialized, .enabled(if: PostgresCluster.missing == nil, Comment(rawValue: PostgresCluster.missing ?? "")))
struct SharedCheckpointTests {
    @Test("a checkpoint signed on a follower or on the shared log is checked on both; a shared log rolled back fails it, and a follower refuses it")
    func checkpoints() throws {
        let work = try FollowerWorkspace(database: "signed")
        let (first, second) = (work.store("first"), work.store("second"))
        for store in [first, second] { try work.catchUp(store) }
        try work.importSeed(into: first)
        try work.catchUp(second)
        let key = work.directory.appending("checkpoint.key")
        try work.expectOK(["key", "init", "--key", key])
        let checkpoints = work.directory.appending("checkpoints.jsonl")
        let signed = try work.expectOK(["checkpoint", "--store", first, "--key", key]) + work.expectOK(["checkpoint", "--store", work.address, "--key", key])
        try signed.write(toFile: checkpoints, atomically: true, encoding: .utf8)
        for store in [work.address, second] {
            let verified = try work.expectOK(["verify", "--store", store, "--against", checkpoints, "--key", key])
            #expect(verified.components(separatedBy: ": matches").count == 3, "\(store): \(verified)")
        }
        // The shared log rolled back to an older copy: its first five events only.
        let events = try work.export(work.address).split(separator: "\n")
        #expect(events.count > 5)
        let older = work.directory.appending("older.jsonl")
        try (events.prefix(5).joined(separator: "\n") + "\n").write(toFile: older, atomically: true, encoding: .utf8)
        let rolledBack = try work.cluster.database("signed_older")
        try work.expectOK(["migrate", "--store", rolledBack])
        try work.expectOK(["import-log", older, "--into", rolledBack])
        let refused = try work.run(["verify", "--store", rolledBack, "--against", checkpoints, "--key", key])
        #expect(refused.status == 4 && refused.stderr.contains("truncated or rolled back"), "\(refused.status): \(refused.stderr)")
        let moved = try work.run(["follow", "--from", rolledBack, "--store", first, "--once"])
        #expect(moved.status == 1 && moved.stderr.contains("not \(rolledBack)") && moved.stderr.contains("--switch-source"), "\(moved.stderr)")
        let diverged = try work.run(["follow", "--from", rolledBack, "--store", first, "--once", "--switch-source"])
        #expect(diverged.status == 1 && diverged.stderr.contains("does not hold the history this follower copied"), "\(diverged.stderr)")
        #expect(try work.export(first) == work.export(work.address), "a refused follow changed the follower's store")
    }
}

/// The shared log over TLS (`sslmode` in the address).
@Suite("A shared log over TLS", .onOwnThreads, .serialized,
       .enabled(if: PostgresCluster.missing == nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"),
                Comment(rawValue: PostgresCluster.missing ?? "SKIPPED: no openssl to make the server's certificate")))
struct SharedLogTLSTests {
    @Test("sslmode: disable is refused by a server that requires TLS; require, prefer and verify-full connect; a follower keeps its TLS settings; a wrong authority is refused")
    func tls() throws {
        let work = try FollowerWorkspace(database: "tls")
        let certificate = try work.cluster.requireTLS()
        let plain = try work.run(["verify", "--store", work.address + "?sslmode=disable"])
        #expect(plain.status == 1 && plain.stderr.contains("pg_hba.conf"), "\(plain.status): \(plain.stderr)")
        for mode in ["?sslmode=require", ""] {
            #expect(try work.expectOK(["verify", "--store", work.address + mode]).contains("verified 0 events of the shared log"))
        }
        let verified = work.address + "?sslmode=verify-full&sslrootcert=\(certificate)"
        let store = work.store("f1")
        try work.expectOK(["follow", "--from", verified, "--store", store, "--once"])
        #expect(try work.expectOK(["stats", "--store", store, "--json"]).contains("sslmode=verify-full"))
        // The follower's edits reconnect with the address it recorded, TLS settings included.
        try work.importSeed(into: store)
        #expect(try work.expectOK(["verify", "--store", store]).contains("its head is at"))
        let stranger = work.directory.appending("stranger.crt")
        _ = try ToolRun.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                                                 "-keyout", work.directory.appending("stranger.key"), "-out", stranger])
        let refused = try work.run(["verify", "--store", work.address + "?sslmode=verify-full&sslrootcert=\(stranger)"])
        #expect(refused.status == 1 && refused.stderr.hasPrefix("error: "), "\(refused.status): \(refused.stderr)")
        let unknown = try work.run(["verify", "--store", work.address + "?sslmode=maybe"])
        #expect(unknown.status == 1 && unknown.stderr.contains("sslmode maybe"), "\(unknown.stderr)")
    }
}

/// A shared log changed behind its followers' backs: what verify and follow must catch.
@Suite("A shared log changed behind its followers", .onOwnThreads, .serialized, .enabled(if: PostgresCluster.missing == nil, Comment(rawValue: PostgresCluster.missing ?? "")))
struct ChangedSharedLogTests {
    @Test("one byte of an old row changed, its hash kept: a follower's verify fails at that position; a shared log cut short makes an edit say history was lost")
    func changedRow() throws {
        let work = try FollowerWorkspace(database: "changed")
        let (store, before) = try work.seededFollower()
        #expect(try work.expectOK(["verify", "--store", store]).contains("match this store's chain"))
        // The second-to-last byte of event 3's stored value: inside its payload.
        try work.cluster.sql("changed", "UPDATE annals_events SET value = set_byte(value, length(value) - 2, get_byte(value, length(value) - 2) # 1) WHERE position = 3")
        let shared = try work.run(["verify", "--store", work.address])
        #expect(shared.status == 4 && shared.stderr.contains("position 3"), "\(shared.status): \(shared.stderr)")
        let verified = try work.run(["verify", "--store", store])
        #expect(verified.status == 4 && verified.stderr.contains("verification failed at position 3"), "\(verified.status): \(verified.stdout) \(verified.stderr)")
        #expect(try work.export(store) == before, "verify changed the follower's store")

        // The shared log cut back to 5 events, head included: the follower is ahead of it.
        try work.cluster.sql("changed", """
            DELETE FROM annals_events WHERE position > 5;
            UPDATE annals_head SET position = 5, hash = (SELECT substring(value FROM 1 FOR 32) FROM annals_events WHERE position = 5)
            """)
        let refused = try work.run(["correct", "event/lang-son-2021-ngo-aid", "--store", store, "--set", "place=Hà Nội", "--reason", "thử"])
        #expect(refused.status == 1 && refused.stderr.contains("does not hold the history this follower copied") && !refused.stderr.contains("reload"),
                "\(refused.status): \(refused.stderr)")
        #expect(try work.export(store) == before, "a refused edit changed the follower's store")
    }

    @Test("a follower keeps its database: another that holds its history plus other edits is refused, unless --switch-source, which is checked and recorded")
    func repointed() throws {
        let work = try FollowerWorkspace(database: "primary")
        let (store, before) = try work.seededFollower()
        // A staging clone: the same history, then one edit of its own.
        let clone = try work.cluster.database("staging")
        try work.expectOK(["migrate", "--store", clone])
        let exported = work.directory.appending("primary.jsonl")
        try before.write(toFile: exported, atomically: true, encoding: .utf8)
        try work.expectOK(["import-log", exported, "--into", clone])
        let staging = work.store("staging-follower")
        try work.expectOK(["follow", "--from", clone, "--store", staging, "--once"])
        try work.expectOK(["correct", "event/lang-son-2021-ngo-aid", "--store", staging, "--set", "place=Bản thử", "--reason", "thử trên bản sao"])

        let refused = try work.run(["follow", "--from", clone, "--store", store, "--once"])
        #expect(refused.status == 1 && refused.stderr.contains("--switch-source"), "\(refused.status): \(refused.stderr)")
        #expect(try work.export(store) == before, "a refused follow changed the follower's store")
        // The same database with other TLS settings is not another log.
        try work.expectOK(["follow", "--from", work.address + "?sslmode=disable", "--store", store, "--once"])
        #expect(!(try work.expectOK(["verify", "--store", store]).contains("moved from")))
        // Asked for: checked, applied, recorded.
        try work.expectOK(["follow", "--from", clone, "--store", store, "--once", "--switch-source"])
        let verified = try work.expectOK(["verify", "--store", store])
        #expect(verified.contains("follows \(clone)") && verified.contains("moved from \(work.address)?sslmode=disable to \(clone)"), "\(verified)")
        #expect(try work.export(store) == work.export(clone))
    }
}

/// The head position of the log of the store at `path`, opened read-only in this process (0
/// while there is no store there yet).
private func logHead(_ path: String) throws -> UInt64 {
    guard FileManager.default.fileExists(atPath: path + "/data.mdb") else { return 0 }
    let log = try LMDBEventLog.openExisting(at: path, readOnly: true)
    defer { log.environment.close() }
    return try log.head().position
}
