import AnnalsFuzzTargets
import AnnalsTesting
import Foundation
import Testing

/// Every input kept under `Tests/Fuzz/TARGET` (hostile inputs written for this project, and any
/// crasher `tools/fuzz.sh` finds) goes through its target again: a crash fails the run.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    @Test("each kept input runs through its parser without a crash or a hang", arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let folder = RepositoryFiles.path("Tests/Fuzz/\(target.rawValue)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(!files.isEmpty, "no regression inputs for \(target.rawValue)")
        var replayed = 0
        for file in files {
            let data = try #require(FileManager.default.contents(atPath: folder + "/" + file))
            target.run(Array(data))
            replayed += 1
        }
        #expect(replayed == files.count)
    }
}
