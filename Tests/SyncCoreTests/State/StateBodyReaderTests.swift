import AISearchAPI
import LinuxSystem
import Testing
@testable import SyncCore

/// The hand-written snapshot reader: what the writer writes comes back equal, fields a later
/// version adds are skipped, and damage is reported as corrupt rather than trusted.
@Suite struct StateBodyReaderTests {
    @Test func whatTheWriterWritesReadsBackEqual() throws {
        var state = sampleState(count: 300)
        state.entries["docs/big-numbers.md"] = StateEntry(
            path: "big-numbers.md",
            identity: FileIdentity(device: UInt64.max, inode: UInt64(Int64.max) + 7, size: 1, modificationTimeNanoseconds: -5,
                                   changeTimeNanoseconds: Int64.max),
            sha256: digest(5))
        state.entries["docs/\u{E9}\u{301}-\"quoted\"\\.md"] = StateEntry(path: "\u{E9}\u{301}-\"quoted\"\\.md")
        state.remoteFingerprint = RemoteFingerprint(evidence: .init(totalCount: 12, newestDigest: digest(3)), fullComparisonAtNanoseconds: 99)
        let body = StateFileWriter.body(state, generation: 7)
        let read = try StateBodyReader.read(body[...])
        #expect(read.state == state)
        #expect(read.generation == 7)
    }

    @Test func fieldsOfALaterVersionAreSkipped() throws {
        var body = StateFileWriter.body(sampleState(count: 3))
        let closing = body.lastIndex(of: UInt8(ascii: "}"))!
        body.insert(contentsOf: Array(#","later":{"a":[1,-2.5e3,true,false,null,"x\u0041\n"],"b":{}}"#.utf8), at: closing)
        #expect(try StateBodyReader.read(body[...]).state == sampleState(count: 3))
    }

    @Test(arguments: [
        #"{"account":"a"#,
        #"{"account":"a","namespace":"n","instance":"i","checksum_kind":"md5"}"#,
        #"{"account":"a","namespace":"n","instance":"i","checksum_kind":"crc"}"#,
        #"{"account":1}"#,
        #"["not an object"]"#,
    ])
    func damageIsCorruptNotTrusted(_ text: String) {
        #expect(throws: StateFileProblem.self) { try StateBodyReader.read(Array(text.utf8)[...]) }
    }
}
