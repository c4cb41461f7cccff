import LinuxSystem
import Testing
@testable import SyncCore

@Suite struct StateFileCodecTests {
    static func decode(_ bytes: [UInt8]) -> SyncState? {
        try? StateFileCodec.decode(bytes, expectedScope: testScope)
    }

    @Test func encodedFileStartsWithTheVersionedHeader() throws {
        let bytes = StateFileCodec.encode(sampleState(count: 3))
        let header = String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        #expect(header.hasPrefix("{\"format\":\"aisearch-sync-state\""))
        #expect(header.contains("\"version\":2"))
    }

    @Test func everyFieldSurvivesARoundTrip() throws {
        let state = sampleState(count: 40)
        #expect(try StateFileCodec.decode(StateFileCodec.encode(state), expectedScope: testScope) == state)
    }

    @Test(arguments: [
        FilePathBytes("plain/name.md"),
        FilePathBytes("100%/50%25.md"),
        FilePathBytes([0x61, 0xFF, 0xFE, 0x2F, 0xC3, 0xA9, 0xE2, 0x82]),
        FilePathBytes("ünïcödé/日本.md"),
    ])
    func pathBytesRoundTrip(_ path: FilePathBytes) {
        #expect(PathEscaping.unescape(PathEscaping.escape(path)) == path)
    }

    @Test func ordinaryPathsAreStoredAsTheyRead() {
        #expect(PathEscaping.escape("dir/ünï.md") == "dir/ünï.md")
        #expect(PathEscaping.escape(FilePathBytes([0x61, 0xFF])) == "a%FF")
        #expect(PathEscaping.unescape("a%F") == nil)
    }
}
