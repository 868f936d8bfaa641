@testable import AnnalsCore
import Foundation
import Testing

@Suite("JSON values")
struct JSONTests {
    @Test("the parser accepts RFC 8259 JSON: what JSONSerialization accepts, less its trailing commas", arguments: [
        #"{}"#, #"[]"#, #"{"a":[1,-2,3.5,1e3,-0.25E-2,true,false,null]}"#, #""Hội nghị""#, #""\u1ec7\ud83d\ude00\n\t\"\\\/""#,
        #" { "a" : { "b" : [ ] } } "#, #"12345678901234567890"#, #"0"#, #"-0"#,
        #"{"a":1,}"#, #"[1,]"#, #"{a:1}"#, #"01"#, #"1."#, #".5"#, #"+1"#, #""\x""#, #""\ud800""#, #"[1] 2"#, #"nul"#, #"{"a":1"#,
        "\"tab\there\"", #"[1,2"#, "",
    ])
    func agreesWithFoundation(_ text: String) {
        let trailingComma = text.contains(",]") || text.contains(",}")
        let foundation = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil && !trailingComma
        let ours = (try? JSONValue.parse(Array(text.utf8))) != nil
        #expect(ours == foundation, "\(text.debugDescription): ours \(ours), Foundation \(foundation)")
    }

    @Test("the log's validator gives the parser's verdict, UTF-8 edge cases included", arguments: [
        #"{}"#, #"[]"#, #"{"a":[1,-2,3.5,1e3,-0.25E-2,true,false,null]}"#, #""Hội nghị""#, #""\u1ec7\ud83d\ude00\n\t\"\\\/""#,
        #" { "a" : { "b" : [ ] } } "#, #"12345678901234567890"#, #"123456789012345678901234567890"#, #"1e400"#, #"0"#, #"-0"#,
        #"{"a":1,}"#, #"[1,]"#, #"{a:1}"#, #"01"#, #"1."#, #".5"#, #"+1"#, #""\x""#, #""\ud800""#, #""\udc00""#, #"[1] 2"#, #"nul"#,
        #"{"a":1"#, "\"tab\there\"", #"[1,2"#, "", #"{"a":{"b":["#, String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ].map { Array($0.utf8) } + [
        [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xE1, 0x80, 0x22],
        [0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22], [0x22, 0xE1, 0xBB, 0x87, 0x22], [0x22, 0xFF, 0x22], [0x5B, 0xE1, 0xBB, 0x87, 0x5D],
        // A truncated four-byte sequence is repaired to one three-byte U+FFFD: the same length, other bytes.
        [0x22, 0xF0, 0x90, 0x80, 0x22], [0x22, 0xF0, 0x90, 0x80, 0x41, 0x22],
    ])
    func validatorAgreesWithParser(_ bytes: [UInt8]) {
        let parsed = (try? JSONValue.parse(bytes)) != nil
        let validated = (try? JSONValidator.validate(bytes)) != nil
        #expect(parsed == validated, "\(bytes): parser \(parsed), validator \(validated)")
    }

    @Test("values survive their canonical encoding, and integers stay exact")
    func roundTrip() throws {
        let value: JSONValue = .object(["b": .array([.integer(Int64.max), .double(0.5), .string("Đông Á \"x\"\n"), .null]), "a": .bool(true)])
        #expect(try JSONValue.parse(value.canonicalBytes) == value)
        #expect(value.description == #"{"a":true,"b":[9223372036854775807,0.5,"Đông Á \"x\"\n",null]}"#)
        #expect(try JSONValue.parse(Array(#""\u0110\u00f4ng""#.utf8)) == .string("Đông"))
        #expect(throws: JSONError.self) { _ = try JSONValue.parse([0x22, 0xff, 0x22]) }
    }
}

@Suite("JSON objects read as text")
struct JSONObjectBytesTests {
    /// Every string of a tree, as `forEachString` should meet them: list items and member values
    /// (members in key order, which is text order in canonical JSON), never keys.
    static func strings(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let text)?: return [text]
        case .array(let items)?: return items.flatMap { strings($0) }
        case .object(let members)?: return members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.flatMap { strings(members[$0]) }
        default: return []
        }
    }

    @Test("each member's text parses to the tree's value under its key, and its strings are the tree's, escapes decoded")
    func membersAgreeWithTheParser() throws {
        let texts = [
            #"{"a":1,"b":"Hội nghị","c":[{"name":"Quảng Tây","role":"x"},"y"],"d":{"k":"v","n":null},"e":"\u1ec7\ud83d\ude00\n\t\"\\\/"}"#,
            #" { "title" : "Lạng Sơn" , "n" : [ 1 , 2.5 , -3 ] } "#, #"{}"#, #"{"a":"say \"hi\": now","b":"x:y"}"#,
            JSONValue.object(["paragraphs": .array([.string("Câu \"một\".\nCâu hai: ba."), .string("")]), "t": .string("\u{1}")]).description,
        ]
        var members = 0
        for text in texts {
            let tree = try JSONValue.parse(Array(text.utf8))
            let object = try JSONObjectBytes(Array(text.utf8)[...])
            guard case .object(let expected) = tree else { Issue.record("not an object: \(text)"); continue }
            for (key, value) in expected {
                #expect(object.parsedValue(key) == value, "\(key) of \(text)")
                var found: [String] = []
                JSONObjectBytes.forEachString(in: try #require(object.value(key))) { found.append(String(decoding: $0, as: UTF8.self)) }
                #expect(found == Self.strings(value), "\(key) of \(text)")
                members += 1
            }
            #expect(object.value("absent") == nil)
            #expect(object.tree == tree)
        }
        #expect(members == 11)
    }

    @Test("a member set, added or removed in the text gives the tree's result, and canonical text stays canonical")
    func replacingAgreesWithTheTree() throws {
        let objects: [JSONValue] = [
            .object([:]), .object(["m": .integer(1)]),
            .object(["b": .string("Hội \"nghị\""), "d": .array([.object(["x": .null])]), "f": .object(["g": .bool(true)])]),
        ]
        let values: [JSONValue?] = [nil, .integer(7), .string("Lạng Sơn"), .array([.string("a"), .integer(2)]), .object(["k": .string("v")])]
        var checked = 0
        for object in objects {
            guard case .object(let members) = object else { continue }
            let text = try JSONObjectBytes(object.canonicalBytes[...])
            for key in ["a", "b", "c", "d", "e", "f", "m", "z"] {
                for value in values {
                    var expected = members
                    expected[key] = value
                    let replaced = try #require(text.replacing(key, with: value?.canonicalBytes))
                    #expect(Array(replaced.text) == JSONValue.object(expected).canonicalBytes, "\(key) = \(String(describing: value)) in \(object)")
                    #expect(replaced.parsedValue(key) == value)
                    checked += 1
                }
            }
        }
        #expect(checked == 120)
    }

    @Test("the objects of a list read from the text are the tree's, and a list the text cannot read is left to the tree")
    func objectsInListAgreeWithTheParser() throws {
        let text = #"{"c":[{"name":"Quảng Tây","n":[1,{"x":"]"}]}, "y", 3, {"name":"say \"hi\"","name":"last"}, {}],"e":[],"k":{"a":1},"s":"[x]","#
            + #""q":[{"\u0061":1}]}"#
        let object = try JSONObjectBytes(Array(text.utf8)[...])
        guard case .array(let items)? = object.parsedValue("c") else { Issue.record("no list c"); return }
        let read = try #require(object.objects(inList: "c"))
        let expected = items.filter { if case .object = $0 { true } else { false } }
        #expect(read.map(\.tree) == expected)
        #expect(read.map { $0.string("name") } == ["Quảng Tây", "last", nil])
        #expect(object.objects(inList: "e")?.isEmpty == true)
        for notAList in ["k", "s", "absent"] { #expect(object.objects(inList: notAList) == nil, "\(notAList)") }
        #expect(object.objects(inList: "q") == nil, "an item with an escaped key is the tree's to read")
    }

    @Test("a key given twice reads as the parser keeps it: the last")
    func lastKeyStands() throws {
        let object = try JSONObjectBytes(Array(#"{"a":1,"a":2}"#.utf8)[...])
        #expect(object.parsedValue("a") == .integer(2))
    }

    @Test("text that is not JSON, not an object, or has an escaped key is refused, for the parser to judge", arguments: [
        #"[1]"#, #""a""#, #"{"a":1"#, #"{"a":1} x"#, #"{"\u0061":1}"#, #"{"a":"\ud800"}"#, "",
    ])
    func refused(_ text: String) {
        #expect(throws: JSONError.self) { _ = try JSONObjectBytes(Array(text.utf8)[...]) }
    }
}

@Suite("Text checks on UTF-8")
struct TextCheckTests {
    /// The definitions the byte-level checks stand for, on scalars.
    static func plainlyNFC(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value < 0x300 || (0x1E00...0x1EFF).contains($0.value) || (0x2010...0x20CF).contains($0.value) }
    }

    static func control(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }
    }

    @Test("the byte-level NFC and control-character checks agree with their scalar definitions")
    func agreeWithScalars() {
        var samples = ["", "abc", "Hội nghị ngoại giao", "Liễu Chang", "Lie\u{0302}\u{0300}u", "a\u{0300}", "ǅ", "\u{02FF}", "\u{0300}",
                       "\u{1DFF}", "\u{1E00}", "\u{1EFF}", "\u{1F00}", "\u{200F}", "\u{2010}", "\u{20CF}", "\u{20D0}", "€ 100", "日本",
                       "😀", "tab\there", "del\u{7F}", "c1\u{0085}", "\u{009F}", "\u{00A0}", "Ä", "\u{24F}", "\u{250}"]
        // Every scalar below U+2100 on its own, beside an ASCII letter, and after and between runs of
        // ASCII long enough to be read eight bytes at a time (the offsets cycling through nine).
        let ascii = String(repeating: "hoi nghi ", count: 2)
        for value in 0..<0x2100 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            samples += [String(scalar), "x" + String(scalar) + "y", String(ascii.prefix(value % 9)) + String(scalar) + ascii,
                        ascii + String(scalar)]
        }
        var checked = 0
        for text in samples {
            #expect(Text.isPlainlyNFC(text) == Self.plainlyNFC(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(Text.hasControlCharacter(text) == Self.control(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            checked += 1
        }
        #expect(checked > 32_000)
    }
}
