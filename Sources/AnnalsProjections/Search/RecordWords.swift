import AnnalsCore
import AnnalsRecords

/// What a change of a record does to the words it is found by: the folded words of its indexed
/// fields, and the words a change makes it leave and enter (`PostingChanges`).
enum RecordWords {
    /// The folded words of `fields` of a record (retracted or not).
    static func words(of state: RecordState, in fields: [String]) -> WordTable {
        var words = WordTable(expectedWords: 64)
        forEachWord(of: state, in: fields) { word, hash in words.insert(word, hash: hash) }
        return words
    }

    /// Calls `body` with each folded word of `fields`, as the index keys it, and its hash; repeats included.
    /// A field the state holds as the create's text is folded from that text; the words are the
    /// same as the tree's, met in text order.
    private static func forEachWord(of state: RecordState, in fields: [String], _ body: (UnsafeRawBufferPointer, Int) -> Void) {
        func fold(_ text: UnsafeBufferPointer<UInt8>) {
            TextFolding.forEachWord(utf8: text) { word in
                let indexed = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: word[..<TextFolding.indexedLength(word)]))
                body(indexed, WordHash.of(indexed))
            }
        }
        func collect(_ value: JSONValue?) {
            switch value {
            case .string(var text)?: text.withUTF8 { fold($0) }
            case .array(let items)?: items.forEach { collect($0) }
            case .object(let members)?: members.values.forEach { collect($0) }
            default: break
            }
        }
        for field in fields {
            if let text = state.fieldText(field) {
                JSONObjectBytes.forEachString(in: text) { fold($0) }
            } else {
                collect(state.field(field))
            }
        }
    }

    /// Adds to `postings` what changes when record `number` goes from `old` to `new`: the words
    /// it leaves and the words it enters. `create`: when the batch created the record, its create,
    /// with the words of the state it made, folded on another core.
    static func postingChanges(_ record: ProjectionBatch.TouchedRecord, create: ProjectionBatch.Change?,
                               into postings: inout PostingChanges) {
        let number = record.number, old = record.before, new = record.after
        // Most edits (links, figures, dates) leave the indexed text alone: nothing to fold then.
        if let old, sameWords(old, new) { return }
        // The same version of a record is the same state: no fields to compare for a record the
        // batch only created.
        if old == nil, let create, let words = create.derived(by: .search, as: WordTable.self),
           create.after.version == new.version || sameWords(create.after, new) {
            // A new record whose words were folded ahead: every word enters, none leaves.
            words.forEach { word, hash in postings.record(word, hash: hash, number, add: true) }
            return
        }
        if let old, old.retracted == new.retracted {
            // A correction of indexed text (a retracted record's words are none, before and after).
            if !new.retracted { textChanges(number, from: old, to: new, into: &postings) }
            return
        }
        let before = SearchProjection.words(old), after = SearchProjection.words(new)
        before.forEach { word, hash in
            if !after.contains(word, hash: hash) { postings.record(word, hash: hash, number, add: false) }
        }
        after.forEach { word, hash in
            if !before.contains(word, hash: hash) { postings.record(word, hash: hash, number, add: true) }
        }
    }

    /// The words record `number` leaves and enters when a correction changes some of its indexed
    /// fields: those the changed fields held and hold no longer, or the other way round, unless a
    /// field the correction left alone holds them. The unchanged fields (a long body, most often)
    /// are folded once, and only looked up, never collected.
    private static func textChanges(_ number: UInt64, from old: RecordState, to new: RecordState, into postings: inout PostingChanges) {
        let changed = SearchProjection.wordFields.filter { !old.sameField($0, as: new) }
        let before = words(of: old, in: changed), after = words(of: new, in: changed)
        // The words that would leave (false) or enter (true), in the order the full comparison
        // records them: leaving in the old state's order, then entering in the new one's.
        var candidates = WordTable(expectedWords: 16), enters: [Bool] = []
        before.forEach { word, hash in
            if !after.contains(word, hash: hash) { candidates.insert(word, hash: hash); enters.append(false) }
        }
        after.forEach { word, hash in
            if !before.contains(word, hash: hash) { candidates.insert(word, hash: hash); enters.append(true) }
        }
        guard !enters.isEmpty else { return }
        var kept = [Bool](repeating: false, count: enters.count)
        forEachWord(of: new, in: SearchProjection.wordFields.filter { !changed.contains($0) }) { word, hash in
            if let slot = candidates.slot(of: word, hash: hash) { kept[slot] = true }
        }
        var slot = 0
        candidates.forEach { word, hash in
            if !kept[slot] { postings.record(word, hash: hash, number, add: enters[slot]) }
            slot += 1
        }
    }

    /// Whether two states of a record are found by the same words.
    private static func sameWords(_ a: RecordState, _ b: RecordState) -> Bool {
        a.retracted == b.retracted && SearchProjection.wordFields.allSatisfy { a.sameField($0, as: b) }
    }
}
