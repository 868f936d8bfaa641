import AnnalsCore

/// Which records a list wants; nil means "any".
public struct RecordFilter: Sendable {
    public var year: Int?
    public var source: String?
    public var category: String?
    public var kind: String?
    /// Matches a counterpart's name, ignoring case and diacritics.
    public var counterpart: String?
    /// false: live records only (the default); true: retracted only; nil: both.
    public var retracted: Bool? = false
    public var limit: Int = .max

    public init(year: Int? = nil, source: String? = nil, category: String? = nil, kind: String? = nil,
                counterpart: String? = nil, retracted: Bool? = false, limit: Int = .max) {
        self.year = year
        self.source = source
        self.category = category
        self.kind = kind
        self.counterpart = counterpart
        self.retracted = retracted
        self.limit = limit
    }

    /// True when `state` passes every part of the filter but the year (the list index's).
    package func matches(_ state: RecordState) -> Bool {
        if let retracted, state.retracted != retracted { return false }
        let document = state.document
        if let source, document["source"]?.stringValue != source { return false }
        if let category, document["category"]?.stringValue != category { return false }
        if let kind, document["kind"]?.stringValue != kind { return false }
        if let counterpart {
            let wanted = TextFolding.fold(counterpart)
            guard case .array(let items)? = document["counterparts"],
                  items.contains(where: { TextFolding.fold($0["name"]?.stringValue ?? "").contains(wanted) }) else { return false }
        }
        return true
    }
}

