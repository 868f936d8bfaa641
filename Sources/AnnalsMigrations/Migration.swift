public import AnnalsCore
public import AnnalsRecords
import Foundation

/// One file of `migrations/`: an event upcast or a store-format migration. See
/// `migrations/README.md` for the format.
public struct Migration: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Events of one record type's family move from schema `from` to `from + 1`; `operations`
        /// lists, per event type, what changes (types not listed only change version).
        case eventUpcast(recordType: RecordType, from: UInt32, operations: [String: [Operation]])
        /// The store's LMDB layout moves from format `from` to `to` by a step implemented in code.
        case storeFormat(from: UInt32, to: UInt32, step: String, rebuilds: [String])
    }

    /// The file's name without `.json`, such as `0002-diplomacy-counterpart-country`: its number
    /// orders it.
    public let id: String
    public let description: String
    public let kind: Kind

    /// The leading number of the id.
    public var number: Int { Int(id.prefix { $0.isNumber }) ?? 0 }

    /// Reads one migration file. Errors name the file and the field.
    public static func parse(_ bytes: [UInt8], file: String) throws -> Migration {
        func fail(_ field: String, _ fix: String) -> RecordError {
            .invalidField(field: "\(file): \(field)", value: "", fix: fix)
        }
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch { throw fail("JSON", "the file is not valid JSON") }
        guard let id = value["id"]?.stringValue, file.hasPrefix(id), id.first?.isNumber == true else {
            throw fail("id", "give the file's own name without .json, starting with its number")
        }
        guard let description = value["description"]?.stringValue, !description.isEmpty else { throw fail("description", "say what the migration changes") }
        switch value["kind"]?.stringValue {
        case "event-upcast":
            guard let typeName = value["recordType"]?.stringValue, let recordType = RecordType(rawValue: typeName) else {
                throw fail("recordType", "give article or diplomacyEvent")
            }
            guard case .integer(let from)? = value["fromVersion"], from >= 1, case .integer(let to)? = value["toVersion"], to == from + 1 else {
                throw fail("fromVersion/toVersion", "an upcast goes from version n to n + 1")
            }
            guard case .object(let upcasts)? = value["upcasts"] else { throw fail("upcasts", "map each event type to its list of operations") }
            var operations: [String: [Operation]] = [:]
            for (eventType, list) in upcasts {
                guard eventType.hasPrefix(recordType.eventTypePrefix), case .array(let items) = list else {
                    throw fail("upcasts.\(eventType)", "name an event type of this record type with a list of operations")
                }
                operations[eventType] = try items.enumerated().map { index, item in
                    do { return try Operation.parse(item) } catch let error as RecordError {
                        throw fail("upcasts.\(eventType)[\(index)]", "\(error)")
                    }
                }
            }
            return Migration(id: id, description: description, kind: .eventUpcast(recordType: recordType, from: UInt32(from), operations: operations))
        case "store-format":
            guard case .integer(let from)? = value["fromFormat"], case .integer(let to)? = value["toFormat"], to == from + 1,
                  let step = value["step"]?.stringValue else {
                throw fail("fromFormat/toFormat/step", "a store-format migration goes from format n to n + 1 by a named step")
            }
            var rebuilds: [String] = []
            if case .array(let names)? = value["rebuilds"] { rebuilds = names.compactMap(\.stringValue) }
            return Migration(id: id, description: description, kind: .storeFormat(from: UInt32(from), to: UInt32(to), step: step, rebuilds: rebuilds))
        default:
            throw fail("kind", "give event-upcast or store-format")
        }
    }
}

/// The migrations a binary knows, in order.
public struct MigrationSet: Sendable {
    public let migrations: [Migration]

    /// The migrations compiled into this binary (from `migrations/`, see `EmbeddedMigrations`).
    /// Throws when an embedded file is invalid (the test suite checks them against the folder).
    public static func embedded() throws -> MigrationSet { try embeddedResult.get() }

    private static let embeddedResult: Result<MigrationSet, RecordError> = {
        do {
            return .success(try MigrationSet(files: EmbeddedMigrations.files.map { ($0.name, Array($0.text.utf8)) }))
        } catch let error as RecordError {
            return .failure(error)
        } catch {
            return .failure(.invalidField(field: "embedded migrations", value: "", fix: "\(error)"))
        }
    }()

    /// Parses `(file name, contents)` pairs and checks the set: numbers unique, and each record
    /// type's upcasts a gapless chain from version 1.
    public init(files: [(String, [UInt8])]) throws {
        let parsed = try files.filter { $0.0.hasSuffix(".json") }.map { try Migration.parse($0.1, file: $0.0) }.sorted { $0.number < $1.number }
        var numbers = Set<Int>()
        var versions: [RecordType: UInt32] = [:]
        for migration in parsed {
            guard numbers.insert(migration.number).inserted else {
                throw RecordError.invalidField(field: "migration", value: migration.id, fix: "two migrations share the number \(migration.number)")
            }
            if case .eventUpcast(let type, let from, _) = migration.kind {
                guard from == versions[type, default: 1] else {
                    throw RecordError.invalidField(field: "migration", value: migration.id, fix: "\(type.rawValue) upcasts must go 1→2→3… in file order")
                }
                versions[type] = from + 1
            }
        }
        migrations = parsed
    }

    /// The current schema version of a record type's events: 1 plus its upcasts.
    public func currentVersion(of type: RecordType) -> UInt32 {
        migrations.reduce(1) { version, migration in
            if case .eventUpcast(type, let from, _) = migration.kind { return max(version, from + 1) }
            return version
        }
    }

    /// The highest migration number with an event upcast: projections built under a lower one
    /// read events without the newer upcasts and must be rebuilt.
    public var upcastLevel: Int {
        migrations.filter { if case .eventUpcast = $0.kind { return true } else { return false } }.map(\.number).max() ?? 0
    }

    /// The store-format migrations, in order.
    public var storeFormatMigrations: [Migration] {
        migrations.filter { if case .storeFormat = $0.kind { return true } else { return false } }
    }
}
