@testable import AnnalsApplication
import AnnalsCore
import AnnalsRecords
import AnnalsTestThreads
import AnnalsTesting
import Testing

/// Users whose events predate token hashes outside the log still sign in.
@Suite("Users' token hashes", .onOwnThreads)
struct TokenHashTests {
    @Test("a hash kept outside the log proves the token; an old event carrying its hash still does; an unknown or disabled name proves nothing")
    func legacyAndCurrent() throws {
        try withNewService { service in
            let context = EditContext(actor: "quản trị", reason: "thử")
            let (lan, token) = try service.addUser("lan", role: .editor, context: context)
            #expect(TokenCheck.run(token, against: lan) && !TokenCheck.run(token + "x", against: lan))
            let kept = try #require(try service.store.log.tokenHash(of: "lan"))
            #expect(kept.hash == lan.tokenHash && kept.version == 1)
            #expect(try service.store.events.readStream(StreamID("user/lan")).allSatisfy { !$0.payloadText.contains("tokenHash") })
            // A user added by an older annals: the hash in its event's payload.
            let secret = String(token.split(separator: ".", maxSplits: 1)[1])
            let legacy = JSONValue.object(["name": .string("cu"), "role": .string("reader"), "tokenHash": .string(kept.hash)]).canonicalBytes
            try service.store.events.append(to: StreamID("user/cu"), expected: .noStream,
                                     [ProposedEvent(type: "UserAdded", payload: legacy, metadata: EventMetadata(actor: "quản trị cũ"))])
            let old = try #require(try service.user(named: "cu"))
            #expect(TokenCheck.run("cu.\(secret)", against: old))
            // Unknown and disabled names: one check against nothing, and false.
            #expect(!TokenCheck.run(token, against: nil))
            #expect(!TokenCheck.run(token, against: try service.setDisabled("lan", true, context: context)))
        }
    }
}
