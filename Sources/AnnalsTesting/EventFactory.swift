public import AnnalsCore
public import Foundation

/// Builds events for tests and the stress helper.
public enum EventFactory {
    /// An event with a JSON payload of about `payloadBytes` bytes carrying `index`.
    public static func event(_ index: Int, type: String = "TestEvent", payloadBytes: Int = 400,
                             actor: String = "tester", reason: String? = nil, id: UUID = UUID()) -> ProposedEvent {
        ProposedEvent(id: id, type: type, payload: payload(index, bytes: payloadBytes),
                      metadata: EventMetadata(actor: actor, reason: reason))
    }

    /// `{"i":index,"text":"…"}` padded with Vietnamese text to about `bytes` bytes.
    public static func payload(_ index: Int, bytes: Int = 400) -> [UInt8] {
        let filler = "Hội nghị ngoại giao kinh tế năm 2022 tại Lạng Sơn. "
        var text = ""
        while text.utf8.count + 24 < bytes { text += filler }
        while text.utf8.count + 24 > bytes, !text.isEmpty { text.removeLast() }
        return Array("{\"i\":\(index),\"text\":\"\(text)\"}".utf8)
    }

    /// A UUID fixed by two numbers, so separate processes agree on ids without talking.
    public static func deterministicID(_ a: UInt64, _ b: UInt64) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: a >> (56 - 8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (56 - 8 * UInt64(i)))
        }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
