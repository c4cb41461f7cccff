import Foundation
import Testing
@testable import AISearchAPI

/// Strings are scanned eight bytes at a time until a word holds a quote, a backslash or a
/// control character: every byte value at every place in a word, and strings that end, escape
/// or break at every offset around the word boundaries, read as `JSONDecoder` reads them.
@Suite struct JSONByteReaderStringTests {
    @Test func theWordTestFindsExactlyTheBytesThatStopTheScan() {
        for value in 0...255 {
            let stops = value == 0x22 || value == 0x5C || value < 0x20
            for place in 0..<8 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                bytes[place] = UInt8(value)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(JSONByteReader.holdsQuoteBackslashOrControl(word) == stops, "byte \(value) at \(place)")
            }
        }
        // Several candidates in one word, and bytes just beside the limits (0x20, 0x21, 0x23, 0x5B, 0x5D, 0xA2, 0xDC).
        let near = [0x20, 0x21, 0x23, 0x5B, 0x5D, 0xA2, 0xDC, 0x80, 0xFF, 0x7F, 0x42, 0x61].map(UInt8.init)
        let word = near.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(!JSONByteReader.holdsQuoteBackslashOrControl(word))
    }

    private func read(_ json: [UInt8]) -> String? {
        json.withUnsafeBufferPointer { buffer in
            var reader = JSONByteReader(buffer)
            return try? reader.string()
        }
    }

    @Test func stringsEndingOrEscapingAtEveryOffsetReadAsJSONDecoderReadsThem() throws {
        let pieces = ["\"", "\\", "\n", "\u{1}", "é", "🌍", "/", "\u{7F}"]
        for length in 0..<26 {
            for piece in pieces {
                for place in 0...length {
                    var text = String(repeating: "x", count: length)
                    text.insert(contentsOf: piece, at: text.index(text.startIndex, offsetBy: place))
                    let json = try JSONEncoder().encode(text)
                    #expect(read(Array(json)) == text, "\(length) \(place) \(piece.debugDescription)")
                }
            }
        }
    }

    @Test func rawControlsAndUnendedStringsAreRefusedAtEveryOffset() {
        for length in 0..<26 {
            for place in 0...length {
                var bytes = Array(("\"" + String(repeating: "y", count: length) + "\"").utf8)
                bytes.insert(0x09, at: place + 1)
                #expect(read(bytes) == nil, "a tab at \(place) of \(length)")
            }
            #expect(read(Array(("\"" + String(repeating: "y", count: length)).utf8)) == nil)
            #expect(read(Array(("\"" + String(repeating: "y", count: length) + "\\").utf8)) == nil)
        }
    }
}
