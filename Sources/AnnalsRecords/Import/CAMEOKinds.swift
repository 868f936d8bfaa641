/// How a CAMEO event code becomes an Annals event kind, each rule resting on the codebook's own
/// wording (`CAMEO.eventcodes.txt`). `docs/records.md` lists every code the corpora use with its
/// kind; a test checks that table against these rules and the codebook.
///
/// The kind is what happened to or by the home side (Vietnam, in Vietnam-centred data): CAMEO
/// codes describe the acting side, so aid (07) whose target is the home side is `aid-received`.
public enum CAMEOKinds {
    /// One rule: the codes it covers (exact codes, or every code under a root), the kind, and the
    /// codebook wording that justifies it.
    public struct Rule: Sendable {
        public let codes: [String]
        public let wholeRoot: Bool
        public let kind: String
        public let because: String

        func covers(_ code: String) -> Bool {
            wholeRoot ? codes.contains(String(code.prefix(2))) : codes.contains(code)
        }
    }

    /// The rules, the first that covers a code wins: exact codes before their roots.
    public static let rules: [Rule] = [
        Rule(codes: ["057"], wholeRoot: false, kind: "agreement", because: "057 \"Sign formal agreement\""),
        Rule(codes: ["042", "043"], wholeRoot: false, kind: "visit", because: "042 \"Make a visit\", 043 \"Host a visit\""),
        Rule(codes: ["01"], wholeRoot: true, kind: "statement", because: "root 01 \"MAKE PUBLIC STATEMENT\": every 01 code is a statement"),
        Rule(codes: ["02"], wholeRoot: true, kind: "other",
             because: "root 02 \"APPEAL\": a request to another party, neither a statement of one's own position nor cooperation; no Annals kind is an appeal"),
        Rule(codes: ["03"], wholeRoot: true, kind: "pledge",
             because: "root 03 \"EXPRESS INTENT TO COOPERATE\": every 03 code is an intent, not the act (036 intent to meet, 0311 intent to cooperate economically, 033 intent to provide aid)"),
        Rule(codes: ["04"], wholeRoot: true, kind: "meeting",
             because: "root 04 \"CONSULT\": consultation in any form (040 consult, 041 by telephone, 044 at a third location, 045 mediate, 046 negotiate); visits are their own kind"),
        Rule(codes: ["05"], wholeRoot: true, kind: "cooperation", because: "root 05 \"ENGAGE IN DIPLOMATIC COOPERATION\" (051 praise or endorse, 054 grant diplomatic recognition, …); agreements are their own kind"),
        Rule(codes: ["06"], wholeRoot: true, kind: "cooperation", because: "root 06 \"ENGAGE IN MATERIAL COOPERATION\""),
        Rule(codes: ["07"], wholeRoot: true, kind: "aid-given",
             because: "root 07 \"PROVIDE AID\": the acting side gives; `aid-received` when the home side is the target"),
        Rule(codes: ["08", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"], wholeRoot: true, kind: "other",
             because: "roots 08–20 (YIELD, INVESTIGATE, DEMAND, DISAPPROVE, REJECT, THREATEN, PROTEST, EXHIBIT FORCE POSTURE, REDUCE RELATIONS, COERCE, ASSAULT, FIGHT, USE UNCONVENTIONAL MASS VIOLENCE): neither cooperation nor aid, including 162 \"Reduce or stop aid\"; the CAMEO code keeps the detail"),
    ]

    /// The rule that covers a code; nil for a code outside CAMEO's roots 01–20.
    public static func rule(for code: String) -> Rule? { rules.first { $0.covers(code) } }

    /// The kind of an event with CAMEO `code`; `towardHome` when the acting side is the other side
    /// and the target is the home side (then aid is received). `other` for an unknown code.
    public static func kind(for code: String, towardHome: Bool = false) -> String {
        let kind = rule(for: code)?.kind ?? "other"
        return kind == "aid-given" && towardHome ? "aid-received" : kind
    }

    /// ICEWS event labels that the codebook words differently, with the code each one is (the rest
    /// of ICEWS's labels are the codebook's own descriptions). ICEWS follows CAMEO 1.1b3; these are
    /// its names for the codes on the right.
    public static let icewsLabels: [String: String] = [
        "Express intent to engage in diplomatic cooperation (such as policy support)": "032",
        "Express intent to provide material aid": "033",
        "Make an appeal or request": "020",
        "Meet at a 'third' location": "044",
        "Reduce or stop material aid": "162",
    ]
}
