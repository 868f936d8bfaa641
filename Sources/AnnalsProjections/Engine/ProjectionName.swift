import AnnalsMigrations

/// A projection's name, as stores and the command line spell it. The names that exist are those of
/// the registered projections (`ProjectionRegistry.all`), in registration order.
public struct ProjectionName: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// A registered projection's name; nil for any other text.
    public init?(rawValue: String) {
        guard ProjectionRegistry.all.contains(where: { $0.name.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    /// For a projection's own declaration of its name.
    init(declaring name: String) { rawValue = name }

    /// Every registered projection, in registration order.
    public static var allCases: [ProjectionName] { ProjectionRegistry.all.map(\.name) }

    public var description: String { rawValue }

    /// The version a store's projection must have been built by: the projection's own version
    /// (bumped when what it stores, or how, changes) times 1000, plus the number of the newest
    /// event-upcast migration, since a new upcast changes what projections read from old events.
    public var version: UInt32 {
        (ProjectionRegistry.projection(named: self)?.version ?? 0) * 1000 + Self.upcastLevel
    }

    private static let upcastLevel = UInt32((try? MigrationSet.embedded().upcastLevel) ?? 0)

    public static func < (a: ProjectionName, b: ProjectionName) -> Bool {
        let order = allCases
        return (order.firstIndex(of: a) ?? order.count) < (order.firstIndex(of: b) ?? order.count)
    }
}
