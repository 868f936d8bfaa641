import AnnalsCore
import AnnalsRecords

/// How the records projection stores a `RecordState`: the state's fields in `ByteWriter`'s
/// pieces (version, retracted, created at and by, changed at and by, position, then the record's
/// number: the log position of its create, which the search postings use in place of the id),
/// then what the document holds that its create did not: the number of top-level fields events
/// after the create have set, and for each, in byte order, its name and its value as canonical
/// JSON (empty when the field is gone). So a rebuilt projection has the same bytes as the
/// incrementally maintained one.
///
/// The rest of the document is the create event's, which the log already holds at the record's
/// number: `decode` reads it back from there (`CreatedDocuments`) and lays the changed fields over
/// it. Most records are never changed after their create and store no document at all.
enum StoredState {
    static func encode(_ state: RecordState, number: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: 48)
        writer.unsigned(state.version)
        writer.bool(state.retracted)
        writer.signed(state.createdAt.microsecondsSinceEpoch)
        writer.string(state.createdBy)
        writer.signed(state.changedAt.microsecondsSinceEpoch)
        writer.string(state.changedBy)
        writer.unsigned(state.position)
        writer.unsigned(number)
        writer.unsigned(UInt64(state.changedFields.count))
        for name in state.changedFields {
            writer.string(name)
            // A changed field held as text was spliced in as canonical JSON: it is written as it is.
            if let text = state.fieldText(name) { writer.string(text) } else { writer.string(state.field(name)?.canonicalBytes ?? []) }
        }
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8], id: RecordID, documents: CreatedDocuments) throws -> RecordState {
        try decodeNumbered(bytes, id: id, documents: documents).state
    }

    static func decodeNumbered(_ bytes: [UInt8], id: RecordID, documents: CreatedDocuments) throws -> (state: RecordState, number: UInt64) {
        var reader = ByteReader(bytes[...])
        let header: (version: UInt64, retracted: Bool, createdAt: Int64, createdBy: String, changedAt: Int64, changedBy: String,
                     position: UInt64, number: UInt64)
        var changed: [(name: String, value: ArraySlice<UInt8>)] = []
        do {
            header = (try reader.unsigned(), try reader.bool(), try reader.signed(), try reader.text(), try reader.signed(), try reader.text(),
                      try reader.unsigned(), try reader.unsigned())
            let count = try reader.unsigned()
            guard count <= UInt64(bytes.count) else { throw ByteReader.Truncated() }
            for _ in 0..<count { changed.append((try reader.text(), try reader.string())) }
            guard reader.isAtEnd else { throw ByteReader.Truncated() }
        } catch {
            throw damaged(bytes, id: id)
        }
        let createdAt = Timestamp(microsecondsSinceEpoch: header.createdAt), changedAt = Timestamp(microsecondsSinceEpoch: header.changedAt)
        switch try documents.created(id, at: header.number) {
        case .text(var record):
            // The changed fields spliced into the create's text: the state stays text.
            for field in changed {
                let value = field.value.isEmpty ? nil : Array(field.value)
                if let value { do { try JSONValue.validate(value) } catch { throw damaged(bytes, id: id) } }
                guard let spliced = record.replacing(field.name, with: value) else { throw damaged(bytes, id: id) }
                record = spliced
            }
            let state = RecordState(id: id, record: record, version: header.version, retracted: header.retracted, createdAt: createdAt,
                                    createdBy: header.createdBy, changedAt: changedAt, changedBy: header.changedBy,
                                    position: header.position, changedFields: changed.map(\.name))
            return (state, header.number)
        case .tree(var document):
            if !changed.isEmpty {
                guard case .object(var members) = document else { throw damaged(bytes, id: id) }
                for field in changed {
                    if field.value.isEmpty {
                        members.removeValue(forKey: field.name)
                    } else {
                        do { members[field.name] = try JSONValue.parse(Array(field.value)) } catch { throw damaged(bytes, id: id) }
                    }
                }
                document = .object(members)
            }
            let state = RecordState(id: id, document: document, version: header.version, retracted: header.retracted, createdAt: createdAt,
                                    createdBy: header.createdBy, changedAt: changedAt, changedBy: header.changedBy,
                                    position: header.position, changedFields: changed.map(\.name))
            return (state, header.number)
        }
    }

    private static func damaged(_ bytes: [UInt8], id: RecordID) -> ProjectionError {
        ProjectionError.damaged(projection: "records", part: "state of \(id)", value: hexPrefix(bytes, 24), problem: nil)
    }
}
