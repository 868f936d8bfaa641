// annals-fuzz: libFuzzer entry point for the targets in AnnalsFuzzTargets.
//
//   swift build -c release --product annals-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DLIBFUZZER
//   ANNALS_FUZZ_TARGET=jsonl .build/release/annals-fuzz CORPUS_DIR -max_total_time=60
//
// Built without -DLIBFUZZER (as every normal build does), it is a replayer instead:
//   annals-fuzz TARGET FILE…   runs the target on each file and exits 0 unless it crashes.
// tools/fuzz.sh runs all targets; tools/reliability.sh reports them.
import AnnalsFuzzTargets
import Foundation

#if LIBFUZZER
private let target: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["ANNALS_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("set ANNALS_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

/// libFuzzer's driver for programs with their own `main` (SwiftPM gives every executable one).
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                       _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@main
struct Fuzz {
    static func main() {
        _ = target
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runDriver(&argc, &argv) { data, size in
            target.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
            return 0
        })
    }
}
#else
@main
struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            print("usage: annals-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE…")
            exit(2)
        }
        for file in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: file) else { print("cannot read \(file)"); exit(1) }
            target.run(Array(data))
        }
        print("replayed \(arguments.count - 1) inputs through \(name)")
    }
}
#endif
