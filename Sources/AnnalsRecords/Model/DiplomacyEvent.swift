/// A diplomacy event: a conference, a visit, an agreement, aid received or given, …
/// See `docs/records.md` for the JSON schema.
public struct DiplomacyEvent: Hashable, Sendable, Codable {
    /// `event/<slug>`.
    public var id: RecordID
    public var kind: EventKind
    public var title: String
    /// When it happened, at the precision the source gives (a year for "năm 2021").
    public var date: RecordDate
    public var place: String?
    public var organizer: String?
    public var participants: [String]
    /// The other side, as written ("Quảng Tây (Trung Quốc)"), with an optional country code.
    public var counterparts: [Counterpart]
    public var quantities: [Quantity]
    public var description: String?
    /// The CAMEO code when the event came from ICEWS or GDELT.
    public var cameoCode: String?
    /// Where the event is recorded outside Annals, one entry per source row: "ICEWS05-15 valid
    /// line 2907", "GDELT 1.0 event 249012345". A fact found in two datasets names both. Nil when
    /// the record names none (records entered by hand, and those stored before the field existed).
    public var provenance: [String]?
    /// Articles that report it; changed only by link and unlink.
    public var sourceArticles: [RecordID]

    public init(id: RecordID, kind: EventKind, title: String, date: RecordDate, place: String? = nil, organizer: String? = nil,
                participants: [String] = [], counterparts: [Counterpart] = [], quantities: [Quantity] = [],
                description: String? = nil, cameoCode: String? = nil, provenance: [String]? = nil, sourceArticles: [RecordID] = []) {
        self.id = id
        self.kind = kind
        self.title = title
        self.date = date
        self.place = place
        self.organizer = organizer
        self.participants = participants
        self.counterparts = counterparts
        self.quantities = quantities
        self.description = description
        self.cameoCode = cameoCode
        self.provenance = provenance
        self.sourceArticles = sourceArticles
    }
}

/// The party on the other side of a diplomacy event: seen from Vietnam in Vietnam-centred data
/// (see `docs/records.md`, "Perspective").
public struct Counterpart: Hashable, Sendable, Codable {
    /// As the source writes it: "Quảng Tây (Trung Quốc)".
    public var name: String
    /// The country it belongs to, as an ISO 3166-1 alpha-2 code (`CN`), when known. Never a region.
    public var countryCode: String?
    /// A region or group that is not one country, as a CAMEO region code (`EUR`, `WST`), when the
    /// side is one (`Countries.regions`).
    public var region: String?

    public init(name: String, countryCode: String? = nil, region: String? = nil) {
        self.name = name
        self.countryCode = countryCode
        self.region = region
    }
}

/// An exact amount: 150000 vaccine doses, 1108742 USD.
public struct Quantity: Hashable, Sendable, Codable {
    /// What is counted, as a slug: `vaccine-doses`, `hospital-beds`, `ngo-aid`.
    public var metric: String
    public var value: ExactDecimal
    /// `doses`, `beds`, `USD`.
    public var unit: String

    public init(metric: String, value: ExactDecimal, unit: String) {
        self.metric = metric
        self.value = value
        self.unit = unit
    }
}

/// The kind of a diplomacy event. A struct, not an enum, so new kinds are one line in `known`.
public struct EventKind: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Every kind Annals accepts.
    public static let known: [String] = [
        "conference", "meeting", "visit", "agreement", "aid-received", "aid-given", "pledge",
        "cooperation", "statement", "other",
    ]

    public init(_ text: String) throws {
        guard Self.known.contains(text) else {
            throw RecordError.invalidField(field: "kind", value: text, fix: "use one of \(Self.known.joined(separator: ", "))")
        }
        rawValue = text
    }

    public init(from decoder: any Decoder) throws {
        self = try withCodingPath(decoder) { try Self(try decoder.singleValueContainer().decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}
