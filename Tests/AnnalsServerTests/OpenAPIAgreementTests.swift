import AnnalsCore
@testable import AnnalsRecords
@testable import AnnalsServer
import Testing

/// `docs/openapi.yaml` declares the record types' fields and the aggregate families once more,
/// for HTTP clients: these tests hold it to `RecordSchema` and `AggregateFamily`, as the binary
/// carries it (`/openapi.json`).
@Suite("The API description agrees with the code")
struct OpenAPIAgreementTests {
    static func spec() throws -> JSONValue {
        let text = try #require(BrowserAssets.files["/openapi.json"]?.text)
        return try JSONValue.parse(Array(text.utf8))
    }

    static func properties(_ schema: JSONValue?) -> Set<String> {
        guard case .object(let members)? = schema?["properties"] else { return [] }
        return Set(members.keys)
    }

    static func fields(_ shape: RecordSchema.Shape?) -> Set<String> {
        guard case .object(let fields)? = shape else { return [] }
        return Set(fields.keys)
    }

    @Test("a record's input and changes name the schema's fields, less those named here and why; nested objects all of theirs")
    func recordFields() throws {
        let schemas = try Self.spec()["components"]?["schemas"]
        let article = Set(RecordSchema.article.keys), event = Set(RecordSchema.diplomacyEvent.keys)
        // Links are made with POST /links; an article's source is its URL's host.
        #expect(Self.properties(schemas?["ArticleInput"]) == article.subtracting(["linkedEvents", "source"]))
        #expect(Self.properties(schemas?["EventInput"]) == event.subtracting(["sourceArticles"]))
        // What no edit changes (RecordEditor.protectedFields), and an article's URL and source, which make its id.
        #expect(Self.properties(schemas?["ArticleChanges"]) == article.subtracting(RecordEditor.protectedFields).subtracting(["url", "source"]))
        #expect(Self.properties(schemas?["EventChanges"]) == event.subtracting(RecordEditor.protectedFields))
        #expect(Self.properties(schemas?["ArticleInput"]?["properties"]?["viewCount"]) == Self.fields(RecordSchema.article["viewCount"]))
        guard case .list(let counterpart)? = RecordSchema.diplomacyEvent["counterparts"],
              case .list(let quantity)? = RecordSchema.diplomacyEvent["quantities"] else {
            Issue.record("counterparts and quantities are no longer lists of objects")
            return
        }
        #expect(Self.properties(schemas?["Counterpart"]) == Self.fields(counterpart))
        #expect(Self.properties(schemas?["Quantity"]) == Self.fields(quantity))
        #expect(!article.isEmpty && !event.isEmpty && Self.properties(schemas?["Quantity"]).count == 3)
    }

    @Test("the aggregates' family parameter lists AggregateFamily's cases")
    func families() throws {
        let parameters = try Self.spec()["paths"]?["/aggregates"]?["get"]?["parameters"]
        guard case .array(let list)? = parameters else {
            Issue.record("GET /aggregates has no parameters")
            return
        }
        let listed = list.compactMap { $0["schema"]?["properties"]?["family"]?["enum"] }.first
        #expect(listed == .array(AggregateFamily.allCases.map { .string($0.rawValue) }))
    }
}
