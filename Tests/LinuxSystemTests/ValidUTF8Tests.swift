import LinuxSystem
import Testing

/// `String(validUTF8:)` must answer exactly what `String(validating:as:)` answers, on well-formed
/// text (U+FFFD itself included) and on every kind of ill-formed sequence.
@Suite struct ValidUTF8Tests {
    static let samples: [[UInt8]] = [
        [],
        Array("plain ascii.md".utf8),
        Array("café 🌍 日本".utf8),
        Array("cafe\u{301}".utf8),
        [0xEF, 0xBF, 0xBD],                 // U+FFFD, well-formed: the repair's own bytes
        [0x61, 0xFF, 0x62],                 // a byte that never starts a sequence
        [0xC3],                             // a sequence cut short at the end
        [0xC3, 0x28],                       // a bad continuation
        [0xC0, 0xAF],                       // an overlong "/"
        [0xED, 0xA0, 0x80],                 // a surrogate
        [0xF4, 0x90, 0x80, 0x80],           // past U+10FFFF
        [0xE2, 0x82],                       // three-byte lead, two bytes
        [0x80, 0x80, 0x80],                 // continuations alone, as long as one U+FFFD
    ]

    @Test(arguments: samples)
    func agreesWithTheStandardLibrary(_ bytes: [UInt8]) {
        let expected = String(validating: bytes, as: UTF8.self)
        #expect(String(validUTF8: bytes) == expected)
        #expect(String(validUTF8: bytes[...]) == expected)
        #expect(bytes.withUnsafeBufferPointer { String(validUTF8: $0) } == expected)
        #expect(bytes.withUnsafeBufferPointer { $0.isValidUTF8 } == (expected != nil))
    }

    @Test func everyTwoByteSequenceAgrees() {
        for first in 0...255 {
            for second in stride(from: 0, through: 255, by: 3) {
                let bytes = [UInt8(first), UInt8(second)]
                let expected = String(validating: bytes, as: UTF8.self)
                #expect(String(validUTF8: bytes) == expected, "\(bytes)")
                #expect(bytes.withUnsafeBufferPointer { $0.isValidUTF8 } == (expected != nil), "\(bytes)")
            }
        }
    }

    /// ASCII is told eight bytes at a time: one high byte anywhere, in any length, is seen.
    @Test func oneHighByteAnywhereIsNotASCII() {
        for length in 0...40 {
            let plain = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            #expect(plain.withUnsafeBufferPointer { $0.isASCII }, "length \(length)")
            for position in 0..<length {
                var bytes = plain
                bytes[position] = 0x80 | UInt8(position % 0x7F)
                #expect(!bytes.withUnsafeBufferPointer { $0.isASCII }, "length \(length), at \(position)")
                // Unaligned: the same bytes from one past the start.
                let shifted = [UInt8(ascii: "b")] + bytes
                #expect(!shifted.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: $0[1...]).isASCII })
            }
        }
    }
}
