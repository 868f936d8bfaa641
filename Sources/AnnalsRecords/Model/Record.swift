public import AnnalsCore
import Foundation

/// A record of either type.
public enum Record: Hashable, Sendable {
    case article(Article)
    case diplomacyEvent(DiplomacyEvent)

    public var id: RecordID {
        switch self {
        case .article(let article): return article.id
        case .diplomacyEvent(let event): return event.id
        }
    }

    public var type: RecordType { id.type }

    /// When the record's source dates it (an article's publication, a diplomacy event's date, at
    /// the start of its precision): what an import records as its create's effective time.
    public var sourceDate: Timestamp {
        let date: RecordDate
        switch self {
        case .article(let article): date = article.publishedAt
        case .diplomacyEvent(let event): date = event.date
        }
        return Timestamp(microsecondsSinceEpoch: date.epochSeconds * 1_000_000)
    }

    /// The record as a canonical JSON document, every string in NFC.
    public func document() throws -> JSONValue {
        switch self {
        case .article(let article): return try JSONValue.from(article).normalized()
        case .diplomacyEvent(let event): return try JSONValue.from(event).normalized()
        }
    }

    /// Reads a record of `type` from a document, normalising its text to NFC and checking every
    /// field. Throws `RecordError.invalidField` naming the first bad field.
    public static func decode(_ document: JSONValue, as type: RecordType) throws -> Record {
        let normalized = document.normalized()
        do {
            let record: Record
            switch type {
            case .article: record = .article(try normalized.decode(Article.self))
            case .diplomacyEvent: record = .diplomacyEvent(try normalized.decode(DiplomacyEvent.self))
            }
            try record.validate()
            return record
        } catch let error as DecodingError {
            throw RecordError(error, in: normalized)
        }
    }

    /// Reads a record given as input (create, correct, import): as `decode`, and first refuses any
    /// field the schema does not have (suggesting the closest one) and any value over its size
    /// limit (`RecordSchema`). Stored records are read with `decode`, which does neither, so a
    /// record stored before a limit existed stays readable.
    public static func decodeInput(_ document: JSONValue, as type: RecordType) throws -> Record {
        let normalized = document.normalized()
        if let problem = RecordSchema.unknownField(in: normalized, type: type) { throw problem }
        let size = normalized.description.utf8.count
        try check(size <= RecordSchema.maxRecordBytes, "record", "\(size) bytes",
                  "a record holds at most \(RecordSchema.maxRecordBytes) bytes of JSON; split the text or leave out what is not the record's")
        let record = try decode(normalized, as: type)
        try record.checkLimits()
        try record.checkVocabulary()
        return record
    }

    /// Checks every value against its size limit in `RecordSchema`, naming the field.
    func checkLimits() throws {
        switch self {
        case .article(let a):
            try limit(a.source, "source", RecordSchema.maxKeyTextBytes)
            try limit(a.category, "category", RecordSchema.maxKeyTextBytes)
            try limit(a.url, "url", RecordSchema.maxLineBytes)
            try limit(a.title, "title", RecordSchema.maxLineBytes)
            try limit(a.revision, "revision", RecordSchema.maxLineBytes)
            for (i, author) in a.authors.enumerated() { try limit(author, "authors[\(i)]", RecordSchema.maxLineBytes) }
            for (i, keyword) in a.keywords.enumerated() { try limit(keyword, "keywords[\(i)]", RecordSchema.maxLineBytes) }
            for (i, paragraph) in a.paragraphs.enumerated() { try limit(paragraph, "paragraphs[\(i)]", RecordSchema.maxLongTextBytes) }
        case .diplomacyEvent(let e):
            try limit(e.kind.rawValue, "kind", RecordSchema.maxKeyTextBytes)
            try limit(e.title, "title", RecordSchema.maxLineBytes)
            try limit(e.place, "place", RecordSchema.maxLineBytes)
            try limit(e.organizer, "organizer", RecordSchema.maxLineBytes)
            try limit(e.description, "description", RecordSchema.maxLongTextBytes)
            for (i, participant) in e.participants.enumerated() { try limit(participant, "participants[\(i)]", RecordSchema.maxLineBytes) }
            for (i, counterpart) in e.counterparts.enumerated() {
                try limit(counterpart.name, "counterparts[\(i)].name", RecordSchema.maxKeyTextBytes)
            }
            for (i, entry) in (e.provenance ?? []).enumerated() { try limit(entry, "provenance[\(i)]", RecordSchema.maxLineBytes) }
            for (i, quantity) in e.quantities.enumerated() {
                try limit(quantity.metric, "quantities[\(i)].metric", RecordSchema.maxKeyTextBytes)
                try limit(quantity.unit, "quantities[\(i)].unit", RecordSchema.maxKeyTextBytes)
            }
        }
    }

    /// Checks the codes of an input record against their vocabularies: a counterpart's country is
    /// an ISO 3166-1 alpha-2 code and its region a CAMEO region code (`Countries`). Stored records
    /// are not held to it, so events stored with other codes stay readable.
    func checkVocabulary() throws {
        guard case .diplomacyEvent(let e) = self else { return }
        for (i, counterpart) in e.counterparts.enumerated() {
            if let code = counterpart.countryCode, !Countries.alpha2.contains(code) {
                let fix: String
                if let alpha2 = Countries.alpha2(forAlpha3: code) {
                    fix = "countries are ISO 3166-1 alpha-2 codes: use \(alpha2)"
                } else if Countries.regions[code] != nil {
                    fix = "\(code) is a region, not a country: give it as counterparts[\(i)].region"
                } else {
                    fix = "use an ISO 3166-1 alpha-2 code such as CN or VN"
                }
                throw RecordError.invalidField(field: "counterparts[\(i)].countryCode", value: code, fix: fix)
            }
            if let region = counterpart.region, Countries.regions[region] == nil {
                throw RecordError.invalidField(field: "counterparts[\(i)].region", value: region,
                                               fix: "use a CAMEO region code: \(Countries.regions.keys.sorted().joined(separator: ", "))")
            }
        }
    }

    /// Checks every field against the schema.
    public func validate() throws {
        switch self {
        case .article(let a):
            try check(a.id.type == .article, "id", a.id.rawValue, "an article's id starts with article/")
            try text(a.source, "source", "name the publishing site, such as baolangson.vn")
            let link = try ArticleURL(a.url)
            try check(link.source == a.source, "source", a.source, "the source must be the URL's host (\(link.source))")
            if let category = a.category { try slug(category, "category") }
            try text(a.title, "title", "give the article's title")
            try check(a.publishedAt.precision >= .day, "publishedAt", a.publishedAt.description, "give at least the day, as 2022-01-22T08:58:32+07:00")
            if let views = a.viewCount {
                try check(views.count >= 0, "viewCount.count", String(views.count), "view counts are zero or more")
            }
            for (i, author) in a.authors.enumerated() { try text(author, "authors[\(i)]", "remove the empty author") }
            for (i, paragraph) in a.paragraphs.enumerated() { try text(paragraph, "paragraphs[\(i)]", "remove the empty paragraph", body: true) }
            for (i, keyword) in a.keywords.enumerated() { try text(keyword, "keywords[\(i)]", "remove the empty keyword") }
            try check((2...3).contains(a.language.count) && a.language.allSatisfy { $0.isASCII && $0.isLowercase },
                      "language", a.language, "use an ISO 639-1 code such as vi or en")
            for (i, id) in a.linkedEvents.enumerated() {
                try check(id.type == .diplomacyEvent, "linkedEvents[\(i)]", id.rawValue, "an article links to event/… ids")
            }
        case .diplomacyEvent(let e):
            try check(e.id.type == .diplomacyEvent, "id", e.id.rawValue, "a diplomacy event's id starts with event/")
            try text(e.title, "title", "give the event a title")
            if let place = e.place { try text(place, "place", "remove the empty place or name it") }
            if let organizer = e.organizer { try text(organizer, "organizer", "remove the empty organizer or name it") }
            if let description = e.description { try text(description, "description", "remove the empty description", body: true) }
            for (i, participant) in e.participants.enumerated() { try text(participant, "participants[\(i)]", "remove the empty participant") }
            for (i, counterpart) in e.counterparts.enumerated() {
                try text(counterpart.name, "counterparts[\(i)].name", "name the counterpart as the source writes it")
                if let code = counterpart.countryCode {
                    try check((2...3).contains(code.count) && code.allSatisfy { $0.isASCII && $0.isUppercase },
                              "counterparts[\(i)].countryCode", code, "use an ISO 3166-1 alpha-2 code such as CN or VN")
                }
                if let region = counterpart.region {
                    try check(region.count == 3 && region.allSatisfy { $0.isASCII && $0.isUppercase },
                              "counterparts[\(i)].region", region, "use a CAMEO region code such as EUR or SEA")
                }
            }
            for (i, quantity) in e.quantities.enumerated() {
                try slug(quantity.metric, "quantities[\(i)].metric")
                try check(quantity.value >= .zero, "quantities[\(i)].value", quantity.value.description, "quantities are zero or more")
                try text(quantity.unit, "quantities[\(i)].unit", "give the unit, such as USD, doses or beds")
            }
            if let code = e.cameoCode {
                try check((2...4).contains(code.count) && code.allSatisfy { $0.isASCII && $0.isNumber }, "cameoCode", code,
                          "CAMEO codes are 2 to 4 digits, kept as text (\"043\")")
            }
            for (i, entry) in (e.provenance ?? []).enumerated() { try text(entry, "provenance[\(i)]", "remove the empty provenance entry") }
            for (i, id) in e.sourceArticles.enumerated() {
                try check(id.type == .article, "sourceArticles[\(i)]", id.rawValue, "a diplomacy event cites article/… ids")
            }
        }
    }
}

private func check(_ condition: Bool, _ field: String, _ value: String, _ fix: String) throws {
    if !condition { throw RecordError.invalidField(field: field, value: value, fix: fix) }
}

/// Non-blank text. Short fields (titles, names) refuse control characters; long text (`body: true`:
/// paragraphs, descriptions) keeps them exactly as published (real articles carry stray U+0008),
/// refusing only NUL.
private func text(_ value: String, _ field: String, _ fix: String, body: Bool = false) throws {
    // Scalars, not Characters: grapheme breaking over every paragraph cost more than the rest of a check.
    try check(value.unicodeScalars.contains { !$0.properties.isWhitespace }, field, value, fix)
    let bad = value.unicodeScalars.first { scalar in
        body ? scalar.value == 0 : (scalar.value < 0x20 && scalar != "\t") || (0x7f..<0xa0).contains(scalar.value)
    }
    if let bad {
        let code = String(bad.value, radix: 16, uppercase: true)
        throw RecordError.invalidField(field: field, value: value, fix: "remove the control character U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code)")
    }
}

/// At most `bytes` bytes of UTF-8; the value shown is its start and its size.
private func limit(_ value: String?, _ field: String, _ bytes: Int) throws {
    guard let value, value.utf8.count > bytes else { return }
    throw RecordError.invalidField(field: field, value: "\(value.prefix(40))… (\(value.utf8.count) bytes)",
                                   fix: "this field holds at most \(bytes) bytes; shorten it")
}

private func slug(_ value: String, _ field: String) throws {
    try check(!value.isEmpty && value.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" },
              field, value, "use a lower-case slug of letters, digits and '-', such as kinh-te")
}

extension JSONValue {
    /// This value with every string (and object key) in Unicode NFC.
    public func normalized() -> JSONValue {
        switch self {
        case .string(let text): return .string(text.nfc)
        case .array(let values): return .array(values.map { $0.normalized() })
        case .object(let members):
            return .object(Dictionary(members.map { ($0.key.nfc, $0.value.normalized()) }, uniquingKeysWith: { a, _ in a }))
        default: return self
        }
    }
}

extension RecordError {
    /// A decoding failure, named by the field's path in the document.
    init(_ error: DecodingError, in document: JSONValue) {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "record" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            self = .invalidField(field: field, value: "(missing)", fix: "add the required field \(field)")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            let found = (try? FieldPath(field)).flatMap { document.value(at: $0) }?.description ?? "null"
            self = .invalidField(field: field, value: found, fix: "expected \(Self.describe(type))")
        case .dataCorrupted(let context):
            if let underlying = context.underlyingError as? RecordError, case let .invalidField(_, value, fix) = underlying {
                self = .invalidField(field: path(context.codingPath), value: value, fix: fix)
            } else {
                self = .invalidField(field: path(context.codingPath), value: "", fix: context.debugDescription)
            }
        @unknown default:
            self = .invalidField(field: "record", value: "", fix: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "text"
        case is Int64.Type, is Int.Type: return "a whole number"
        case is Array<Any>.Type: return "a list"
        default: return "\(type)"
        }
    }
}
