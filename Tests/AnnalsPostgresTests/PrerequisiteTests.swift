import AnnalsTestThreads
import AnnalsTesting
import Testing

/// Under CI, what the PostgreSQL tests need is there, so none of them skips unnoticed.
@Suite("What the PostgreSQL tests need", .onOwnThreads)
struct PrerequisiteTests {
    @Test("under CI, PostgreSQL's server binaries are there and network namespaces can be made")
    func prerequisites() {
        #expect(Prerequisites.failure(PostgresCluster.missing, for: "the PostgreSQL tests") == nil)
        #expect(Prerequisites.failure(NetworkNamespace.unavailable, for: "the cut-link follower test") == nil)
        // The servers the tests start keep none of the test process's pipes open (see `PostgresCluster.run`).
        #expect(PostgresCluster.closeFrom != nil, "this C library has no posix_spawn_file_actions_addclosefrom_np")
    }
}
