import Foundation

/// One country vocabulary for every corpus and the seed facts: ISO 3166-1 alpha-2 (`CN`, `VN`),
/// the code `docs/records.md` promises and the seed facts carry. GDELT's CAMEO actor codes
/// (`CHN`) and ICEWS's English names ("China", "Citizen (China)") are converted to it. Regions and
/// groups (CAMEO `EUR`, `WST`, `AFR`; "Southeast Asia") are never countries: they have their own
/// vocabulary, `Countries.regions`, and their own field (`Counterpart.region`).
public enum Countries {
    /// Every ISO 3166-1 alpha-2 code.
    public static let alpha2: Set<String> = Set(CountryTable.entries.map(\.alpha2))

    private static let byAlpha3: [String: String] = Dictionary(uniqueKeysWithValues: CountryTable.entries.map { ($0.alpha3, $0.alpha2) })

    private static let byName: [String: String] = {
        var table: [String: String] = [:]
        for entry in CountryTable.entries {
            for name in entry.names { table[name.lowercased()] = entry.alpha2 }
        }
        return table
    }()

    /// CAMEO country codes that are not ISO's alpha-3 (CAMEO kept older ones).
    static let cameoCountries = ["ROM": "RO", "ZAR": "CD", "TMP": "TL"]

    /// CAMEO's region codes (its actor codebook): areas and blocs, not countries. The ICEWS names
    /// for the same areas map here too.
    public static let regions: [String: String] = [
        "AFR": "Africa", "ASA": "Asia", "BLK": "Balkans", "CRB": "Caribbean", "CAU": "Caucasus",
        "CFR": "Central Africa", "CAS": "Central Asia", "CEU": "Central Europe", "EIN": "East Indies",
        "EAF": "Eastern Africa", "EEU": "Eastern Europe", "EUR": "Europe", "LAM": "Latin America",
        "MEA": "Middle East", "MDT": "Mediterranean", "NAF": "North Africa", "NMR": "North America",
        "PGS": "Persian Gulf", "SCN": "Scandinavia", "SAM": "South America", "SAS": "South Asia",
        "SEA": "Southeast Asia", "SAF": "Southern Africa", "WAF": "West Africa", "WST": "The West",
        "WEU": "Western Europe",
    ]

    private static let regionByName: [String: String] = Dictionary(uniqueKeysWithValues: regions.map { ($0.value.lowercased(), $0.key) })

    /// Where a CAMEO actor country code (GDELT's `Actor1CountryCode`) belongs: a country's alpha-2
    /// code, or a region code. Nil for a code neither list knows.
    public static func classify(cameo code: String) -> Place? {
        if let country = byAlpha3[code] ?? cameoCountries[code] { return .country(country) }
        if regions[code] != nil { return .region(code) }
        return nil
    }

    /// Where an ICEWS actor belongs, from its name: "China" and "Citizen (China)" are in China;
    /// "Southeast Asia" is a region; people and organisations without a country in parentheses
    /// ("Xi Jinping", "Association of Southeast Asian Nations") are neither.
    public static func classify(name: String) -> Place? {
        var candidates = [name.trimmingCharacters(in: .whitespaces)]
        if let open = name.lastIndex(of: "("), name.hasSuffix(")") {
            candidates.insert(String(name[name.index(after: open)..<name.index(before: name.endIndex)]).trimmingCharacters(in: .whitespaces), at: 0)
        }
        for candidate in candidates {
            if let country = byName[candidate.lowercased()] { return .country(country) }
            if let region = regionByName[candidate.lowercased()] { return .region(region) }
        }
        return nil
    }

    /// A country (ISO 3166-1 alpha-2) or a region or group (a CAMEO region code).
    public enum Place: Hashable, Sendable {
        case country(String)
        case region(String)
    }

    /// The alpha-2 code for an alpha-3 one (`VNM` → `VN`), for messages that suggest a fix.
    public static func alpha2(forAlpha3 code: String) -> String? { byAlpha3[code] ?? cameoCountries[code] }
}
