import AnnalsCore
import AnnalsRecords

/// How the records projection stores a `RecordState`: the state's fields in `ByteWriter`'s
/// pieces (version, retracted, created at and by, changed at and by, position, then the record's
/// number: the log position of its create, which the search postings use in place of the id),
/// then the document as canonical JSON, so a rebuilt projection has the same bytes as the
/// incrementally maintained one.
///
/// A record nothing has changed since its create (stream version 1: most records) stores no
/// document: its document is its create event's, which the log already holds at the record's
/// number, so `decode` reads it back from there (`CreatedDocuments`). A canonical document is
/// never empty, so an empty rest means exactly that.
enum StoredState {
    static func encode(_ state: RecordState, number: UInt64) -> [UInt8] {
        let document = holdsDocument(state, number: number) ? state.document.canonicalBytes : []
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

    /// False when the state's document is its create event's, unchanged: only the create applied.
    static func holdsDocument(_ state: RecordState, number: UInt64) -> Bool {
        !(state.version == 1 && state.position == number)
    }

    static func decode(_ bytes: [UInt8], id: RecordID, documents: CreatedDocuments) throws -> RecordState {
        try decodeNumbered(bytes, id: id, documents: documents).state
    }

    static func decodeNumbered(_ bytes: [UInt8], id: RecordID, documents: CreatedDocuments) throws -> (state: RecordState, number: UInt64) {
        var reader = ByteReader(bytes[...])
        let header: (version: UInt64, retracted: Bool, createdAt: Int64, createdBy: String, changedAt: Int64, changedBy: String,
                     position: UInt64, number: UInt64, document: ArraySlice<UInt8>)
        do {
            header = (try reader.unsigned(), try reader.bool(), try reader.signed(), try reader.text(), try reader.signed(), try reader.text(),
                      try reader.unsigned(), try reader.unsigned(), reader.rest())
        } catch {
            throw damaged(bytes, id: id)
        }
        let document: JSONValue
        if header.document.isEmpty {
            document = try documents.document(of: id, createdAt: header.number)
        } else {
            do { document = try JSONValue.parse(Array(header.document)) } catch { throw damaged(bytes, id: id) }
        }
        let state = RecordState(id: id, document: document, version: header.version, retracted: header.retracted,
                                createdAt: Timestamp(microsecondsSinceEpoch: header.createdAt), createdBy: header.createdBy,
                                changedAt: Timestamp(microsecondsSinceEpoch: header.changedAt), changedBy: header.changedBy,
                                position: header.position)
        return (state, header.number)
    }

    private static func damaged(_ bytes: [UInt8], id: RecordID) -> RecordError {
        RecordError.invalidField(field: "projection state of \(id)", value: hexPrefix(bytes, 24), fix: "run annals rebuild --projection records")
    }
}
