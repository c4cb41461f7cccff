import Foundation
import LinuxSystem
import Testing
@testable import SyncCore

/// The hand-written reader of a state file's entries table: it must read what the writer writes
/// exactly as JSONDecoder would, escapes included, and refuse anything cut short or malformed.
@Suite struct StateRowReaderTests {
    /// Keys with every escape the writer produces (quote, backslash, newline, other controls) and
    /// characters outside the BMP, so rows with escapes take the slow path.
    static func awkwardState() -> SyncState {
        var state = sampleState(count: 12)
        for (index, name) in ["quote\"d.md", "back\\slash.md", "new\nline.md", "tab\tand\u{1}.md", "emoji 🌍.md", "café.md", "cafe\u{301}.md"].enumerated() {
            state.entries[ItemKey("docs/" + name)] = StateEntry(path: FilePathBytes(name), sha256: digest(100 + index))
        }
        return state
    }

    @Test func awkwardKeysSurviveARoundTrip() throws {
        let state = Self.awkwardState()
        #expect(try StateFileCodec.decode(StateFileCodec.encode(state), expectedScope: testScope) == state)
    }

    @Test func readsEveryEscapeJSONAllowsAsJSONDecoderDoes() throws {
        // Escapes our writer never produces but a hand-edited or future file may hold.
        let keyText = #"a\/b\u00e9\u0041\ud83c\udf0d\b\f\r\t"#
        let body = Array("""
            {"x": {"nested": [1, -2.5e3, true, null, "s\\"t"]}, "entries" : [ ["\(keyText)", "p.md", null, null, null, null, null, null, null, null, null, null, 0] ] , "y":[]}
            """.utf8)
        let (rest, entries) = try StateRowReader.split(body: body[...])
        let decodedKey = try JSONDecoder().decode(String.self, from: Data("\"\(keyText)\"".utf8))
        #expect(entries.keys.map(\.rawValue) == [decodedKey])
        #expect(entries.values.first?.path == FilePathBytes("p.md"))
        let restObject = try JSONSerialization.jsonObject(with: Data(rest)) as? [String: Any]
        #expect(restObject.map { Set($0.keys) } == ["x", "y", "entries"])
    }

    @Test func aBodyCutAtAnyByteIsRefusedNeverMisread() throws {
        let body = Array(StateFileWriter.body(Self.awkwardState()).dropLast())  // without its newline
        _ = try StateRowReader.split(body: body[...])
        for length in 0..<body.count {
            #expect(throws: StateFileProblem.self, "cut at \(length)") { try StateRowReader.split(body: body[..<length]) }
        }
    }

    @Test(arguments: [
        #"{"entries":[["k","p",null,null,null,null,null,null,null,null,null,null,1.5]]}"#,  // fraction
        #"{"entries":[["k","p",null,null,null,null,null,null,null,null,null,null,99999999999999999999]]}"#,  // overflow
        #"{"entries":[["k","p",null,null,null,null,null,null,null,null,null,null,0,7]]}"#,  // a column too many
        #"{"entries":[["k","p",null,null,null,null,null,null,null,null,null,0]]}"#,  // a column too few
        #"{"entries":[["k\x","p",null,null,null,null,null,null,null,null,null,null,0]]}"#,  // unknown escape
        #"{"entries":[["\ud800","p",null,null,null,null,null,null,null,null,null,null,0]]}"#,  // lone surrogate
        #"{"entries":[["k","p",null,null,null,null,null,"zz",null,null,null,null,0]]}"#,  // bad digest
        #"{"entries":[]} trailing"#,
    ])
    func malformedBodiesAreCorrupt(_ text: String) {
        #expect(throws: StateFileProblem.self) { try StateRowReader.split(body: Array(text.utf8)[...]) }
    }

    @Test func invalidUTF8InAKeyIsCorrupt() {
        var body = Array(#"{"entries":[["k?","p",null,null,null,null,null,null,null,null,null,null,0]]}"#.utf8)
        body[body.firstIndex(of: UInt8(ascii: "?"))!] = 0xFF
        #expect(throws: StateFileProblem.self) { try StateRowReader.split(body: body[...]) }
    }

    /// Paths, ids and checksums are read from the row's bytes without a `String` made first: as
    /// strict as the key, column by column.
    @Test(arguments: ["p", "id", "sum"])
    func invalidUTF8InAnyTextColumnIsCorrupt(_ column: String) throws {
        func row(_ path: String, _ id: String, _ sum: String) -> [UInt8] {
            let digest = String(repeating: "ab", count: 32)
            return Array((#"{"entries":[["k",""# + path + #"",null,null,null,null,null,""# + digest + #"",""# + id + #"",""#
                          + sum + #"","completed",null,0]]}"#).utf8)
        }
        _ = try StateRowReader.split(body: row("p", "id", "sum")[...])
        var body = row(column == "p" ? "p?" : "p", column == "id" ? "id?" : "id", column == "sum" ? "sum?" : "sum")
        body[body.firstIndex(of: UInt8(ascii: "?"))!] = 0xFF
        #expect(throws: StateFileProblem.self) { try StateRowReader.split(body: body[...]) }
    }

    @Test func aChecksumThatIsTheContentsHexIsNotKeptTwiceAndOthersAre() throws {
        let digest = String(repeating: "0f", count: 32)
        func record(checksum: String, itemID: String) throws -> RemoteRecord? {
            let text = #"{"entries":[["k","p",null,null,null,null,null,""# + digest + #"",""# + itemID + #"",""#
                + checksum + #"","completed",null,2]]}"#
            return try StateRowReader.split(body: Array(text.utf8)[...]).entries[ItemKey("k")]?.remote
        }
        let own = try #require(try record(checksum: digest, itemID: "9b2c4c1e-7f3a-4d2b-8e1f-0a1b2c3d4e5f"))
        #expect(own.storedChecksum == nil && own.checksum == digest)
        #expect(own.itemID == "9b2c4c1e-7f3a-4d2b-8e1f-0a1b2c3d4e5f" && own.reindexAttempts == 2 && own.status == .completed)
        let other = try #require(try record(checksum: "md5-etag", itemID: "not-a-uuid"))
        #expect(other.storedChecksum == "md5-etag" && other.itemID == "not-a-uuid")
        #expect(try record(checksum: digest.uppercased(), itemID: "x")?.storedChecksum == digest.uppercased())
    }
}
