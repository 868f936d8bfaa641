/// A follower moved on purpose (`annals follow --switch-source`) from one shared log to another
/// that was checked to hold its whole history.
public struct SourceSwitch: Sendable, Equatable, Encodable {
    /// The address it followed before.
    public let from: String
    /// The address it follows since.
    public let to: String
    /// When it switched.
    public let at: String
    /// Its head when it switched: every event up to it was checked in the new log.
    public let position: UInt64

    public init(from: String, to: String, at: Timestamp, position: UInt64) {
        self.from = from
        self.to = to
        self.at = at.description
        self.position = position
    }

    package init?(_ value: JSONValue) {
        guard let from = value["from"]?.stringValue, let to = value["to"]?.stringValue, let at = value["at"]?.stringValue,
              let position = value["position"]?.stringValue.flatMap(UInt64.init) else { return nil }
        (self.from, self.to, self.at, self.position) = (from, to, at, position)
    }

    package var json: JSONValue {
        .object(["from": .string(from), "to": .string(to), "at": .string(at), "position": .string(String(position))])
    }
}
