/// A SHA-256 digest of a file's content: our own record of what we uploaded, whatever checksum
/// the server reports.
public struct SHA256Digest: Hashable, Sendable, Codable, CustomStringConvertible {
    // Four words held inline, big-endian, not a `[UInt8]`: the state keeps one or two digests per
    // tracked file, and an array costs a heap block of its own (about 80 bytes) for each.
    private let word0, word1, word2, word3: UInt64

    /// Exactly 32 bytes.
    public var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for word in [word0, word1, word2, word3] { withUnsafeBytes(of: word.bigEndian) { bytes.append(contentsOf: $0) } }
        return bytes
    }

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a SHA-256 digest has 32 bytes")
        func word(_ index: Int) -> UInt64 {
            bytes[index * 8..<index * 8 + 8].reduce(0) { $0 << 8 | UInt64($1) }
        }
        (word0, word1, word2, word3) = (word(0), word(1), word(2), word(3))
    }

    /// The digest as four words, each of 8 of its bytes read big-endian, first bytes first: for
    /// a binary file that stores it without making an array.
    public var words: (UInt64, UInt64, UInt64, UInt64) { (word0, word1, word2, word3) }

    public init(words: (UInt64, UInt64, UInt64, UInt64)) { (word0, word1, word2, word3) = words }

    /// Parses 64 hex digits (either case) in place; nil otherwise.
    public init?(hexBytes digits: UnsafeBufferPointer<UInt8>) {
        guard let words = Self.words(ofHex: digits, table: hexDigitValues) else { return nil }
        (word0, word1, word2, word3) = words
    }

    /// The four words 64 hex digits spell, each digit's value read through `table` (0x80 for a
    /// byte that is no digit). Every state row holds a digest or two: read a word at a time, with
    /// one test for a bad digit at the end, instead of a branch and an optional per digit.
    private static func words(ofHex digits: UnsafeBufferPointer<UInt8>, table: [UInt8]) -> (UInt64, UInt64, UInt64, UInt64)? {
        guard digits.count == 64 else { return nil }
        var invalid: UInt8 = 0
        let words = table.withUnsafeBufferPointer { table in
            func word(from start: Int) -> UInt64 {
                var word: UInt64 = 0
                for index in start..<start + 16 {
                    let value = table[Int(digits[index])]
                    invalid |= value
                    word = word << 4 | UInt64(value & 0xF)
                }
                return word
            }
            return (word(from: 0), word(from: 16), word(from: 32), word(from: 48))
        }
        return invalid & 0x80 == 0 ? words : nil
    }

    /// Parses 64 hex digits (either case); nil otherwise.
    public init?(hex: String) {
        guard let bytes = parseHex(hex, byteCount: 32) else { return nil }
        self.init(bytes: bytes)
    }

    /// Lowercase hex, as `sha256sum` prints it.
    public var hex: String {
        String(unsafeUninitializedCapacity: 64) { buffer in
            for position in 0..<64 { buffer[position] = hexDigit(at: position) }
            return 64
        }
    }

    /// Whether `text` is exactly `hex` (64 lowercase digits), without making that string: the
    /// walk compares a listed item's checksum with its record's for every file.
    public func isHex(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isHex(bytes: $0) }
    }

    /// Whether `bytes` are exactly the UTF-8 of `hex`.
    public func isHex(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Read as digits (lowercase only) and compared a word at a time: asked of every state row
        // as it is loaded, digit by digit this was a tenth of the load.
        guard let words = Self.words(ofHex: bytes, table: lowercaseHexDigitValues) else { return false }
        return words == (word0, word1, word2, word3)
    }

    /// The lowercase hex digit at `position` (0..<64) of `hex`.
    private func hexDigit(at position: Int) -> UInt8 {
        let word = switch position >> 4 {
        case 0: word0
        case 1: word1
        case 2: word2
        default: word3
        }
        let nibble = UInt8(truncatingIfNeeded: word >> UInt64(60 - (position & 15) * 4)) & 0xF
        return nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    public var description: String { hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let digest = SHA256Digest(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a SHA-256 hex digest: \(text)"))
        }
        self = digest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

/// `hexValue` of every byte, 0x80 for a byte that is no hex digit.
private let hexDigitValues: [UInt8] = (0...255).map { hexValue(UInt8($0)) ?? 0x80 }
/// The same, 0x80 for the capitals too: what `hex` spells has none.
private let lowercaseHexDigitValues: [UInt8] = (0...255).map { (65...70).contains($0) ? 0x80 : hexValue(UInt8($0)) ?? 0x80 }

public func hexValue(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
    default: nil
    }
}

/// Lowercase hex of `bytes`.
public func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var result: [UInt8] = []
    for byte in bytes {
        result.append(digits[Int(byte >> 4)])
        result.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: result, as: UTF8.self)
}
