import AnnalsCore
import AnnalsRecords

/// How the records projection stores a `RecordState`: canonical JSON, so a rebuilt projection has
/// the same bytes as the incrementally maintained one. Beside the state it keeps the record's
/// number: the log position of its create, which the search postings use in place of the id.
enum StoredState {
    static func encode(_ state: RecordState, number: UInt64) -> [UInt8] {
        JSONValue.object([
            "document": state.document,
            "version": .integer(Int64(state.version)),
            "retracted": .bool(state.retracted),
            "createdAt": .integer(state.createdAt.microsecondsSinceEpoch),
            "createdBy": .string(state.createdBy),
            "changedAt": .integer(state.changedAt.microsecondsSinceEpoch),
            "changedBy": .string(state.changedBy),
            "position": .integer(Int64(state.position)),
            "number": .integer(Int64(number)),
        ]).canonicalBytes
    }

    static func decode(_ bytes: [UInt8], id: RecordID) throws -> RecordState {
        try decodeNumbered(bytes, id: id).state
    }

    static func decodeNumbered(_ bytes: [UInt8], id: RecordID) throws -> (state: RecordState, number: UInt64) {
        let value = try JSONValue.parse(bytes)
        func int(_ key: String) throws -> Int64 {
            guard case .integer(let number)? = value[key] else {
                throw RecordError.invalidField(field: "projection state of \(id)", value: key, fix: "run annals rebuild --projection records")
            }
            return number
        }
        guard let document = value["document"], case .bool(let retracted)? = value["retracted"],
              let createdBy = value["createdBy"]?.stringValue, let changedBy = value["changedBy"]?.stringValue else {
            throw RecordError.invalidField(field: "projection state of \(id)", value: "", fix: "run annals rebuild --projection records")
        }
        let state = RecordState(id: id, document: document, version: UInt64(try int("version")), retracted: retracted,
                                createdAt: Timestamp(microsecondsSinceEpoch: try int("createdAt")), createdBy: createdBy,
                                changedAt: Timestamp(microsecondsSinceEpoch: try int("changedAt")), changedBy: changedBy,
                                position: UInt64(try int("position")))
        return (state, UInt64(try int("number")))
    }
}
