/// A projection's name, as stores and the command line spell it. Which names a store keeps is its
/// registry's (`ProjectionRegistry.names`).
public struct ProjectionName: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// A projection's declaration of its name, by convention lowercase words joined by "-";
    /// `ProjectionRegistry.adding` refuses one the registry already holds.
    public init(_ name: String) { rawValue = name }

    public var description: String { rawValue }
}
