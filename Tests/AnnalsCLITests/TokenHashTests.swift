import AnnalsTestThreads
import AnnalsTesting
import Foundation
import Testing

/// Users' token hashes live outside the hash-chained log that auditors and exports read.
@Suite("Token hashes outside the log", .onOwnThreads)
struct TokenHashTests {
    @Test("user events record the grant, never the hash; an export leaves the hashes out and says so; a backup carries them")
    func outsideTheLog() throws {
        let w = try CLIWorkspace()
        try w.seed()
        try w.expectOK(["user", "add", "lan", "--role", "editor"])
        try w.expectOK(["user", "reset-token", "lan", "--reason", "lộ token"])
        let exported = try w.run(["export"])
        #expect(exported.status == 0 && !exported.stdout.contains("tokenHash") && !exported.stdout.contains("$2b$"), "\(exported.stdout.suffix(800))")
        #expect(exported.stderr.contains("the token hashes of 1 user, kept outside it, are not in it"), "\(exported.stderr)")
        let added = try w.jsonLines(try w.expectOK(["audit", "--json"])).first { $0["kind"] as? String == "UserAdded" }
        #expect(added?["actor"] as? String == "tester", "\(added ?? [:])")
        let grant = exported.stdout.split(separator: "\n").first { $0.contains("UserAdded") } ?? ""
        #expect(grant.contains("editor") && grant.contains("lan"), "\(grant)")
        let backup = try w.expectOK(["backup", w.directory.appending("copy")])
        #expect(backup.contains("the copy carries the token hashes of 1 user"), "\(backup)")
        let backupJSON = try w.expectOK(["backup", w.directory.appending("copy2"), "--json"])
        #expect(backupJSON.contains("\"tokenHashes\":1"), "\(backupJSON)")
    }
}
