import AnnalsTesting
import Foundation
import Testing

/// The architecture as the sources show it: the fronts go through the application layer only,
/// and every module declares in Package.swift each module it imports.
@Suite("Layers and imports")
struct LayeringTests {
    /// The Swift files of a folder of the repository, with their text.
    static func sources(_ folder: String) throws -> [(path: String, text: String)] {
        let root = RepositoryFiles.path(folder)
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        return try walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().map { relative in
            ("\(folder)/\(relative)", try String(contentsOfFile: "\(root)/\(relative)", encoding: .utf8))
        }
    }

    /// The modules a file imports (`import X`, `public import X`, `@testable import X`).
    static func imports(_ text: String) -> Set<String> {
        var modules: Set<String> = []
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard let index = words.firstIndex(of: "import"), index + 1 < words.count,
                  words[..<index].allSatisfy({ ["public", "internal", "package", "@testable", "@_exported"].contains($0) }) else { continue }
            modules.insert(words[index + 1])
        }
        return modules
    }

    @Test("the CLI and the server import no module below the application layer and name no store type or table")
    func frontsUseTheApplicationLayer() throws {
        let below: Set<String> = ["AnnalsProjections", "AnnalsLMDBLog", "AnnalsLMDB", "AnnalsPostgres", "AnnalsMigrations", "CLMDB"]
        let storeNames = ["ProjectedStore", "LMDBEventLog", "PostgresEventLog", "SharedLogReplica", "ProjectionName", "Environment(", "\"proj/"]
        var files = 0
        for folder in ["Sources/AnnalsCLI", "Sources/AnnalsServer"] {
            for (path, text) in try Self.sources(folder) {
                files += 1
                let wrong = Self.imports(text).intersection(below)
                #expect(wrong.isEmpty, "\(path) imports \(wrong.sorted()): call a use case of AnnalsApplication instead")
                for name in storeNames where text.contains(name) {
                    Issue.record("\(path) names \(name): the fronts know the application layer only")
                }
            }
        }
        #expect(files >= 20, "only \(files) files of the fronts were read")
    }

    @Test("messages below the application layer name no command or flag: each front words the remedy for its users")
    func lowerLayersNameNoCommand() throws {
        let commands = ["init", "rebuild", "migrate", "verify", "follow", "restore", "backup", "export", "import", "import-log", "key", "user", "serve", "history",
                        "checkpoint", "replay", "show", "audit"]
        var literals = 0
        for module in ["AnnalsCore", "AnnalsLMDB", "AnnalsLMDBLog", "AnnalsRecords", "AnnalsMigrations", "AnnalsProjections", "AnnalsPostgres"] {
            // The embedded migrations are data (their descriptions), generated from migrations/.
            for (path, text) in try Self.sources("Sources/\(module)") where !path.hasSuffix("/EmbeddedMigrations.swift") {
                for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                    for literal in Self.stringLiterals(String(line)) {
                        literals += 1
                        let words = literal.split(whereSeparator: { $0 == " " || $0 == "(" })
                            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "),;:.")) }
                        // A literal ending in a format version ("annals checkpoint key v1") is a
                        // file's header, not a message.
                        let header = words.last.map { $0.wholeMatch(of: /v\d+/) != nil } ?? false
                        for (index, word) in words.enumerated() {
                            if word.hasPrefix("--"), word.count > 2 {
                                Issue.record("\(path) names the flag \(word) in \"\(literal)\": name the field, and let the fronts word the fix")
                            }
                            // "written by annals export" names where a file came from, not a command to run.
                            if word == "annals", !header, index + 1 < words.count, commands.contains(words[index + 1]),
                               !(index > 0 && ["by", "another"].contains(words[index - 1])) {
                                Issue.record("\(path) names the command annals \(words[index + 1]) in \"\(literal)\": give a Remedy instead")
                            }
                        }
                    }
                }
            }
        }
        #expect(literals >= 300, "only \(literals) string literals below the application layer were read")
    }

    /// The contents of the double-quoted literals on one line (escapes kept as written).
    static func stringLiterals(_ line: String) -> [String] {
        var literals: [String] = []
        var current: String?
        var escaped = false
        for character in line {
            if var text = current {
                if escaped { escaped = false; text.append(character); current = text; continue }
                if character == "\\" { escaped = true; text.append(character); current = text; continue }
                if character == "\"" { literals.append(text); current = nil } else { text.append(character); current = text }
            } else if character == "\"" {
                current = ""
            }
        }
        return literals
    }

    @Test("every module and test target imports only what Package.swift declares for it")
    func importsAreDeclared() throws {
        let manifest = try String(contentsOfFile: RepositoryFiles.path("Package.swift"), encoding: .utf8)
        // Each target's block, from its `name:` to the next target.
        let blocks = manifest.components(separatedBy: ".target(").dropFirst()
            .flatMap { $0.components(separatedBy: ".testTarget(") }
            .flatMap { $0.components(separatedBy: ".executableTarget(") }
            .flatMap { $0.components(separatedBy: ".systemLibrary(") }
        let system: Set<String> = ["Foundation", "Glibc", "Testing", "Dispatch", "Synchronization", "XCTest", "FoundationEssentials", "_Concurrency", "Darwin"]
        var checked = 0
        for block in blocks {
            guard let name = Self.quoted(after: "name:", in: block) else { continue }
            var declared: Set<String> = [name]
            if let range = block.range(of: "dependencies:"), let end = block[range.upperBound...].range(of: "]") {
                let list = String(block[range.upperBound..<end.lowerBound])
                for part in list.components(separatedBy: "\"").enumerated() where part.offset % 2 == 1 { declared.insert(part.element) }
            }
            let folder = FileManager.default.fileExists(atPath: RepositoryFiles.path("Sources/\(name)")) ? "Sources/\(name)" : "Tests/\(name)"
            guard FileManager.default.fileExists(atPath: RepositoryFiles.path(folder)) else { continue }
            for (path, text) in try Self.sources(folder) {
                checked += 1
                let undeclared = Self.imports(text).subtracting(declared).subtracting(system)
                #expect(undeclared.isEmpty, "\(path) imports \(undeclared.sorted()), which Package.swift does not declare for \(name)")
            }
        }
        #expect(checked >= 150, "only \(checked) files were checked")
    }

    @Test("no type of the projections module has more than 15 members: the store, its engine and each projection's reader stay apart")
    func smallTypes() throws {
        var members: [String: Int] = [:]
        var files = 0
        for (_, text) in try Self.sources("Sources/AnnalsProjections") {
            files += 1
            var current: String?
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
                // The regular expressions only try the lines that can match (one starting with a
                // letter, one indented once): matching every line cost seconds of the run's CPU.
                if line.first?.isLetter == true,
                   let match = line.firstMatch(of: /^(?:public |final |private |fileprivate )*(?:class|struct|enum|extension|actor) (\w+)/) {
                    current = String(match.1)
                } else if line.hasPrefix("}") {
                    current = nil
                } else if let current, line.hasPrefix("    "), !line.hasPrefix("     "),
                          line.contains(/^    (?:@\w+ )?(?:(?:public|private|fileprivate|static|internal|package|convenience|mutating|weak|lazy|private\(set\)) )*(?:func|var|let|init|struct|enum|class|case|subscript|typealias)\b/) {
                    members[current, default: 0] += 1
                }
            }
        }
        let largest = members.max { $0.value < $1.value }
        #expect(files >= 20 && (largest?.value ?? 0) >= 10, "the count read \(files) files: \(members)")
        #expect((largest?.value ?? 0) <= 15, "\(largest?.key ?? "") has \(largest?.value ?? 0) members; split it")
    }

    /// The first quoted string after `label` in `text`.
    static func quoted(after label: String, in text: String) -> String? {
        guard let range = text.range(of: label) else { return nil }
        let rest = text[range.upperBound...]
        guard let open = rest.firstIndex(of: "\""), let close = rest[rest.index(after: open)...].firstIndex(of: "\"") else { return nil }
        return String(rest[rest.index(after: open)..<close])
    }
}
