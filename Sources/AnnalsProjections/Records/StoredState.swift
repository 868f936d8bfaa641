import AnnalsCore
import AnnalsRecords

/// How the records projection stores a `RecordState`: the state's fields in `ByteWriter`'s
/// pieces (version, retracted, created at and by, changed at and by, position, then the record's
/// number: the log position of its create, which the search postings use in place of the id),
/// followed by the document as canonical JSON, so a rebuilt projection has the same bytes as the
/// incrementally maintained one.
enum StoredState {
    static func encode(_ state: RecordState, number: UInt64) -> [UInt8] {
        let document = state.document.canonicalBytes
        var writer = ByteWriter(capacity: document.count + 48)
        writer.unsigned(state.version)
        writer.bool(state.retracted)
        writer.signed(state.createdAt.microsecondsSinceEpoch)
        writer.string(state.createdBy)
        writer.signed(state.changedAt.microsecondsSinceEpoch)
        writer.string(state.changedBy)
        writer.unsigned(state.position)
        writer.unsigned(number)
        writer.rest(document)
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8], id: RecordID) throws -> RecordState {
        try decodeNumbered(bytes, id: id).state
    }

    static func decodeNumbered(_ bytes: [UInt8], id: RecordID) throws -> (state: RecordState, number: UInt64) {
        var reader = ByteReader(bytes[...])
        do {
            let version = try reader.unsigned(), retracted = try reader.bool()
            let createdAt = try reader.signed(), createdBy = try reader.text()
            let changedAt = try reader.signed(), changedBy = try reader.text()
            let position = try reader.unsigned(), number = try reader.unsigned()
            let document = try JSONValue.parse(Array(reader.rest()))
            let state = RecordState(id: id, document: document, version: version, retracted: retracted,
                                    createdAt: Timestamp(microsecondsSinceEpoch: createdAt), createdBy: createdBy,
                                    changedAt: Timestamp(microsecondsSinceEpoch: changedAt), changedBy: changedBy, position: position)
            return (state, number)
        } catch {
            throw RecordError.invalidField(field: "projection state of \(id)", value: hexPrefix(bytes, 24),
                                           fix: "run annals rebuild --projection records")
        }
    }
}
