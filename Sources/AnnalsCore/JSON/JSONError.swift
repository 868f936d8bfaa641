/// Text that is not JSON (RFC 8259): where the parser stopped and why.
///
/// Its own type, so that a layer reading JSON (records, projections, the export reader) is not told
/// about it in the log's vocabulary; the description reads like every other refusal in Annals.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The byte offset at which the text stopped being JSON.
    public let offset: Int
    /// What was found there, in words.
    public let problem: String

    public init(offset: Int, problem: String) {
        self.offset = offset
        self.problem = problem
    }

    public var description: String { "invalid JSON \"byte \(offset)\": \(problem); give valid JSON" }
}
