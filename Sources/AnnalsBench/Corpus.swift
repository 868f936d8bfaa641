import AnnalsCore
import AnnalsRecords
import AnnalsTesting
import Foundation

/// A deterministic corpus of record edits: articles and diplomacy events with Vietnamese titles
/// and bodies, about three creates in four events (so 25,000 events make about 19,000 records)
/// and otherwise corrections (about 20% of all events), retractions, restores and links, in a
/// random but fixed interleaving. Payloads average about 400 bytes.
/// One extra record, `probeID`, gets a correction every `events / 20` events, so it has the same
/// short history in a small log and a large one.
struct Corpus {
    let events: Int
    let records: Int
    static let probeID = "event/bench-probe"

    private var generator = SeededGenerator(state: 20_220_122)
    private var states: [RecordState?]
    private var ids: [RecordID]
    private var probe: RecordState?
    private(set) var produced = 0
    private var nextProbeAt = 1
    private var nextCreate = 0
    private let context = EditContext(actor: "bench", reason: "benchmark edit")

    init(events: Int) throws {
        self.events = events
        self.records = max(1, events * 3 / 4)
        states = Array(repeating: nil, count: self.records)
        ids = try (0..<self.records).map { i in
            i % 5 < 3 ? try RecordID("article/bench.vn/\(100_000 + i)") : try RecordID("event/bench-\(i)")
        }
    }

    static let titles = ["Hội nghị trực tuyến triển khai công tác ngoại giao kinh tế", "Lạng Sơn tiếp nhận vắc xin từ Quảng Tây",
                         "Đoàn đại biểu thăm và làm việc tại Nam Ninh", "Ký kết biên bản hợp tác thương mại biên giới",
                         "Viện trợ phi chính phủ nước ngoài tăng mạnh", "Gặp gỡ hữu nghị nhân dân hai bên biên giới"]
    static let sentences = ["Các đại biểu đã thảo luận những khó khăn và đề xuất giải pháp.", "Công tác đối ngoại được triển khai toàn diện.",
                            "Hai bên nhất trí tăng cường giao lưu hợp tác.", "Kết quả vận động viện trợ vượt kế hoạch đề ra."]

    /// The next batch of at most `limit` events, each stream at most once (its events together).
    mutating func nextBatch(_ limit: Int) -> [StreamAppend] {
        var appends: [StreamAppend] = []
        var index: [StreamID: Int] = [:]
        var touched = Set<Int>()
        var count = 0
        while count < limit && produced < events {
            let (slot, proposed) = nextEdit(avoiding: touched)
            guard let proposed else { continue }
            if slot >= 0 { touched.insert(slot) }
            for append in proposed {
                if let at = index[append.stream] {
                    appends[at].events += append.events
                } else {
                    index[append.stream] = appends.count
                    appends.append(StreamAppend(stream: append.stream, expected: .any, events: append.events))
                }
                count += append.events.count
                produced += append.events.count
            }
        }
        return appends
    }

    /// One edit's appends, already applied to the in-memory states. Records touched in this batch
    /// are avoided for links (both sides change), so a batch never depends on its own order.
    private mutating func nextEdit(avoiding touched: Set<Int>) -> (Int, [StreamAppend]?) {
        if produced >= nextProbeAt {
            return (-1, probeEdit())
        }
        if nextCreate < records && (nextCreate < 10 || Int.random(in: 0..<100, using: &generator) < 76) {
            defer { nextCreate += 1 }
            return (nextCreate, create(nextCreate))
        }
        let slot = Int.random(in: 0..<max(1, nextCreate), using: &generator)
        guard let state = states[slot] else { return (slot, nil) }
        let roll = Int.random(in: 0..<100, using: &generator)
        do {
            let append: [StreamAppend]
            if state.retracted {
                append = [try RecordEditor.planRestore(state, context: context)]
            } else if roll < 3 {
                append = [try RecordEditor.planRetract(state, context: context)]
            } else if roll < 8, state.id.type == .article {
                let other = (slot / 5) * 5 + 3 + (slot % 2)
                guard other < records, !touched.contains(other), let event = states[other], !event.retracted, !state.links.contains(event.id) else {
                    return (slot, nil)
                }
                append = try RecordEditor.planLink(article: state, event: event, context: context)
                try apply(append, slots: [slot, other])
                return (other, append)
            } else {
                let field = state.id.type == .article ? (roll % 2 == 0 ? "title" : "viewCount.count") : (roll % 2 == 0 ? "title" : "quantities[0].value")
                let value: JSONValue = field == "viewCount.count" ? .integer(Int64(roll * 37 + slot))
                    : field == "title" ? .string("\(Self.titles[roll % Self.titles.count]) (sửa \(produced))") : .string("\(roll * 1000 + slot)")
                append = [try RecordEditor.planCorrection(state, set: [(try FieldPath(field), value)], context: context).0]
            }
            try apply(append, slots: [slot])
            return (slot, append)
        } catch {
            return (slot, nil)
        }
    }

    private mutating func create(_ slot: Int) -> [StreamAppend]? {
        let id = ids[slot]
        let title = "\(Self.titles[slot % Self.titles.count]) số \(slot)"
        let body = (0..<4).map { Self.sentences[($0 + slot) % Self.sentences.count] }.joined(separator: " ")
        let record: Record
        do {
            if id.type == .article {
                record = .article(Article(id: id, source: "bench.vn", url: "https://bench.vn/the-gioi/\(100_000 + slot)-tin.html", category: "the-gioi",
                                          title: title, publishedAt: try RecordDate("20\(10 + slot % 15)-0\(1 + slot % 9)-1\(slot % 9)T08:30:00+07:00"),
                                          viewCount: ViewCount(count: Int64(slot % 5000)), authors: ["Phóng viên \(slot % 40)"], paragraphs: [body]))
            } else {
                record = .diplomacyEvent(DiplomacyEvent(id: id, kind: try EventKind(["visit", "aid-received", "meeting", "agreement"][slot % 4]),
                                                        title: title, date: try RecordDate("20\(10 + slot % 15)"), place: "Lạng Sơn",
                                                        counterparts: [Counterpart(name: ["Quảng Tây (Trung Quốc)", "Lào", "Campuchia"][slot % 3])],
                                                        quantities: [Quantity(metric: "ngo-aid", value: try ExactDecimal("\(slot * 13)"), unit: "USD")],
                                                        description: body))
            }
            let append = [try RecordEditor.planCreate(record, current: nil, context: context)]
            try apply(append, slots: [slot])
            return append
        } catch {
            return nil
        }
    }

    private mutating func probeEdit() -> [StreamAppend]? {
        do {
            let append: StreamAppend
            if let probe {
                append = try RecordEditor.planCorrection(probe, set: [(try FieldPath("quantities[0].value"), .string("\(produced)"))], context: context).0
            } else {
                append = try RecordEditor.planCreate(.diplomacyEvent(DiplomacyEvent(
                    id: try RecordID(Self.probeID), kind: try EventKind("aid-received"), title: "Bản ghi đo thời gian", date: try RecordDate("2021"),
                    quantities: [Quantity(metric: "ngo-aid", value: try ExactDecimal("1"), unit: "USD")])), current: nil, context: context)
            }
            var state = probe
            for event in append.events { state = try RecordState.apply(fake(event, stream: append.stream, version: (state?.version ?? 0) + 1), to: state) }
            probe = state
            nextProbeAt += max(1, events / 20)
            return [append]
        } catch {
            return nil
        }
    }

    /// Applies planned appends to the in-memory states (positions and times do not matter here).
    private mutating func apply(_ appends: [StreamAppend], slots: [Int]) throws {
        for (append, slot) in zip(appends, slots) {
            for event in append.events {
                states[slot] = try RecordState.apply(fake(event, stream: append.stream, version: (states[slot]?.version ?? 0) + 1), to: states[slot])
            }
        }
    }

    private func fake(_ event: ProposedEvent, stream: StreamID, version: UInt64) -> RecordedEvent {
        RecordedEvent(position: 0, id: event.id, stream: stream, streamVersion: version, type: event.type, schemaVersion: event.schemaVersion,
                      payload: event.payload, metadata: event.metadata, recordedAt: Timestamp(microsecondsSinceEpoch: 0), hash: [])
    }
}
