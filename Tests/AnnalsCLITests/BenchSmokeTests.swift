import AnnalsTesting
import Foundation
import Testing

/// The benchmark runs end to end at a tiny size, so a change that breaks it is caught by the
/// tests; no figure is judged here (speed is the benchmark's business, in release runs of its own).
@Suite("The benchmark, smoke run")
struct BenchSmokeTests {
    @Test("annals-bench at 2,000 events prints every figure with its raw-LMDB baseline and exits 0")
    func smokeRun() throws {
        let result = try BuiltProgram("annals-bench").run(["--events", "2000", "--repeat", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        for figure in ["append with projections, 1000/txn (2000 events)", "single durable edit", "rebuild all projections (2000 events)",
                       "bytes on disk per event (2000 events)", "annals show, one process", "baselines: raw LMDB"] {
            #expect(result.stdout.contains(figure), "\(figure) missing from: \(result.stdout)")
        }
    }
}
