import Hashing
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
        #expect(header.contains("\"version\":3"))
    }

    /// A file of an earlier release (version 2, all JSON) reads as the same state as the binary
    /// rows of version 3.
    @Test func aVersion2FileReadsAsTheSameState() throws {
        let state = sampleState(count: 60)
        let legacy = StateFileCodec.encodeVersion2(state, generation: 4)
        #expect(String(decoding: legacy.prefix(60), as: UTF8.self).contains("\"version\":2"))
        let read = try StateFileCodec.decodeSnapshot(legacy, expectedScope: testScope)
        #expect(read.state == state)
        #expect(read.generation == 4)
        #expect(try StateFileCodec.decodeSnapshot(StateFileCodec.encode(state, generation: 4), expectedScope: testScope) == read)
    }

    /// The parts of a version-3 file: its header's fields, the JSON and the binary rows.
    static func parts(_ bytes: [UInt8]) throws -> (meta: [UInt8], rows: [UInt8], rowCount: Int) {
        let newline = try #require(bytes.firstIndex(of: UInt8(ascii: "\n")))
        let header = String(decoding: bytes[..<newline], as: UTF8.self)
        func field(_ name: String) throws -> Int {
            let start = try #require(header.range(of: "\"\(name)\":")).upperBound
            return try #require(Int(header[start...].prefix { $0.isNumber }))
        }
        let body = Array(bytes[(newline + 1)...])
        let metaBytes = try field("meta_bytes")
        return (Array(body[..<metaBytes]), Array(body[metaBytes...]), try field("rows"))
    }

    /// A version-3 file around `meta` and `rows`, its checksum made to match.
    static func file(meta: [UInt8], rows: [UInt8], rowCount: Int) -> [UInt8] {
        let body = meta + rows
        var checksum = FNV1a64Lanes()
        body.withUnsafeBufferPointer { checksum.fold($0) }
        let header = "{\"format\":\"aisearch-sync-state\",\"version\":3,\"body_bytes\":\(body.count),"
            + "\"body_fnv1a64x8\":\"\(checksum.hex)\",\"meta_bytes\":\(meta.count),\"rows\":\(rowCount)}\n"
        return Array(header.utf8) + body
    }

    /// Rows cut short, or more rows announced than written, with a checksum that holds: the
    /// reader says the file is corrupt (it never reads past the end, never crashes).
    @Test func binaryRowsCutAtEveryByteAreCorrupt() throws {
        let (meta, rows, count) = try Self.parts(StateFileCodec.encode(sampleState(count: 12)))
        #expect(count == 12)
        #expect(try StateFileCodec.decode(Self.file(meta: meta, rows: rows, rowCount: count), expectedScope: testScope) == sampleState(count: 12))
        for cut in 0..<rows.count {
            #expect(throws: StateFileProblem.self) {
                try StateFileCodec.decode(Self.file(meta: meta, rows: Array(rows[..<cut]), rowCount: count), expectedScope: testScope)
            }
        }
        #expect(throws: StateFileProblem.self) {
            try StateFileCodec.decode(Self.file(meta: meta, rows: rows, rowCount: count + 1), expectedScope: testScope)
        }
        #expect(throws: StateFileProblem.self) {
            try StateFileCodec.decode(Self.file(meta: meta, rows: rows, rowCount: count - 1), expectedScope: testScope)
        }
        // A count no file could hold is a corrupt file, not an attempt to make room for it.
        #expect(throws: StateFileProblem.self) {
            try StateFileCodec.decode(Self.file(meta: meta, rows: rows, rowCount: 1 << 50), expectedScope: testScope)
        }
    }

    /// Any single flipped byte in a version-3 body fails its checksum.
    @Test func everyFlippedByteOfABinaryFileIsCaught() throws {
        let bytes = StateFileCodec.encode(sampleState(count: 8))
        let bodyStart = try #require(bytes.firstIndex(of: UInt8(ascii: "\n"))) + 1
        for index in bodyStart..<bytes.count {
            var damaged = bytes
            damaged[index] ^= 0x10
            #expect(throws: StateFileProblem.self) { try StateFileCodec.decode(damaged, expectedScope: testScope) }
        }
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
