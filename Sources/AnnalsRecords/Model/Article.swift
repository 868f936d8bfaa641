/// A news article as Annals keeps it. See `docs/records.md` for the JSON schema.
public struct Article: Hashable, Sendable, Codable {
    /// `article/<source>/<number>`.
    public var id: RecordID
    /// The site that published it: `baolangson.vn`.
    public var source: String
    public var url: String
    /// The category slug, usually the URL's first path segment: `kinh-te`.
    public var category: String?
    public var title: String
    /// When it was published, as precise as the source gives it.
    public var publishedAt: RecordDate
    public var viewCount: ViewCount?
    public var authors: [String]
    /// The lead and body paragraphs, in order, exactly as published (NFC).
    public var paragraphs: [String]
    public var keywords: [String]
    /// ISO 639-1 language code: `vi`.
    public var language: String
    /// The upstream revision this record reflects (a wiki revision id, a CMS version), when the
    /// source has one.
    public var revision: String?
    /// Diplomacy events linked to it; changed only by link and unlink.
    public var linkedEvents: [RecordID]

    public init(id: RecordID, source: String, url: String, category: String?, title: String, publishedAt: RecordDate,
                viewCount: ViewCount? = nil, authors: [String] = [], paragraphs: [String] = [], keywords: [String] = [],
                language: String = "vi", revision: String? = nil, linkedEvents: [RecordID] = []) {
        self.id = id
        self.source = source
        self.url = url
        self.category = category
        self.title = title
        self.publishedAt = publishedAt
        self.viewCount = viewCount
        self.authors = authors
        self.paragraphs = paragraphs
        self.keywords = keywords
        self.language = language
        self.revision = revision
        self.linkedEvents = linkedEvents
    }
}

/// How many times an article had been read, and when that count was taken.
public struct ViewCount: Hashable, Sendable, Codable {
    public var count: Int64
    /// When the count was read, when known.
    public var readAt: RecordDate?

    public init(count: Int64, readAt: RecordDate? = nil) {
        self.count = count
        self.readAt = readAt
    }
}
