import AnnalsCore
@testable import AnnalsRecords
import Testing

/// `RecordSchema` declares each record type's fields a second time, beside the Codable structs:
/// these tests hold the two together.
@Suite("The schema and the record types")
struct SchemaTests {
    /// An article and a diplomacy event with every field set, each list holding an item and each
    /// nested object every field of its own (checked below, so a field added to a type and not
    /// to these samples fails too).
    static let samples: [(RecordType, String)] = [
        (.article, """
        {"id":"article/example.vn/1","source":"example.vn","url":"https://example.vn/1","category":"thoi-su","title":"Tiêu đề",
         "publishedAt":"2021-05-03T08:00:00+07:00","viewCount":{"count":12,"readAt":"2021-06-01T00:00:00Z"},"authors":["Tác giả"],
         "paragraphs":["Đoạn một."],"keywords":["từ khóa"],"language":"vi","revision":"7","linkedEvents":["event/example-1"]}
        """),
        (.diplomacyEvent, """
        {"id":"event/example-1","kind":"conference","title":"Hội nghị","date":"2021-05-03","place":"Lạng Sơn","organizer":"Sở Ngoại vụ",
         "participants":["Đại biểu"],"counterparts":[{"name":"Quảng Tây","countryCode":"CN","region":"ASA"}],
         "quantities":[{"metric":"ngo-aid","value":"1108742","unit":"USD"}],"description":"Mô tả.","cameoCode":"043",
         "provenance":["seed"],"sourceArticles":["article/example.vn/1"]}
        """),
    ]

    /// The shape of a value as the schema writes shapes: `*` for a value, `{a:…,b:…}`, `[…]`.
    static func shape(of value: JSONValue) -> String {
        switch value {
        case .object(let members): return "{" + members.keys.sorted().map { "\($0):\(shape(of: members[$0]!))" }.joined(separator: ",") + "}"
        case .array(let items): return "[" + (items.first.map { shape(of: $0) } ?? "?") + "]"
        default: return "*"
        }
    }

    static func shape(of schema: RecordSchema.Shape) -> String {
        switch schema {
        case .object(let fields): return "{" + fields.keys.sorted().map { "\($0):\(shape(of: fields[$0]!))" }.joined(separator: ",") + "}"
        case .list(let inner): return "[" + shape(of: inner) + "]"
        case .value: return "*"
        }
    }

    /// The stored properties of `value` left nil or empty, by path, looking into the record types' own structs.
    static func unset(_ value: Any, at path: String) -> [String] {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional: return mirror.children.first.map { unset($0.value, at: path) } ?? [path]
        case .collection: return mirror.children.first.map { unset($0.value, at: path + "[0]") } ?? [path]
        case .struct where [Article.self, DiplomacyEvent.self, ViewCount.self, Counterpart.self, Quantity.self].contains { $0 == type(of: value) }:
            return mirror.children.flatMap { unset($0.value, at: path.isEmpty ? $0.label ?? "?" : path + "." + ($0.label ?? "?")) }
        default: return []
        }
    }

    @Test("each record type's fields, nested ones included, are the schema's: no field in one and not the other")
    func schemaMatchesTheTypes() throws {
        var compared = 0
        for (type, text) in Self.samples {
            let record = try Record.decode(try JSONValue.parse(Array(text.utf8)), as: type)
            let typed: Any
            switch record {
            case .article(let article): typed = article
            case .diplomacyEvent(let event): typed = event
            }
            #expect(Self.unset(typed, at: "").isEmpty, "the \(type) sample leaves \(Self.unset(typed, at: "")) unset: set them")
            let schema = type == .article ? RecordSchema.article : RecordSchema.diplomacyEvent
            #expect(Self.shape(of: try record.document()) == Self.shape(of: .object(schema)), "\(type)")
            compared += 1
        }
        #expect(compared == RecordType.allCases.count)
    }
}
