import Hashing
import LinuxSystem

/// Writes raw path bytes as a `String` that round-trips exactly: valid UTF-8 passes through, `%`
/// and every byte of an invalid sequence become `%XX`. Ordinary paths are stored as they read.
enum PathEscaping {
    static func escape(_ path: FilePathBytes) -> String {
        let bytes = path.bytes
        if !bytes.contains(UInt8(ascii: "%")), let text = String(validUTF8: bytes) { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length = validSequenceLength(bytes, at: index)
            if byte == UInt8(ascii: "%") || length == 0 {
                output.append(UInt8(ascii: "%"))
                output.append(contentsOf: hexString([byte]).uppercased().utf8)
                index += 1
            } else {
                output.append(contentsOf: bytes[index..<(index + length)])
                index += length
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `escape` produced `text` from; nil when `text` holds a malformed escape.
    static func unescape(_ text: String) -> FilePathBytes? {
        unescape(bytes: text.utf8)
    }

    /// `unescape` of text given as its UTF-8 bytes (which must be valid UTF-8 for the result
    /// to be a path `escape` could have produced; the caller checks).
    static func unescape(bytes utf8: some Collection<UInt8>) -> FilePathBytes? {
        guard utf8.contains(UInt8(ascii: "%")) else { return utf8.contains(0) ? nil : FilePathBytes(Array(utf8)) }
        return unescapingPercents(Array(utf8))
    }

    private static func unescapingPercents(_ utf8: [UInt8]) -> FilePathBytes? {
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%") {
                guard index + 2 < utf8.count, let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2]) else { return nil }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(utf8[index])
                index += 1
            }
        }
        return output.contains(0) ? nil : FilePathBytes(output)
    }

    /// The length of the valid UTF-8 sequence starting at `index`, or 0 when it is not one.
    private static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int = switch lead {
        case 0x00...0x7F: 1
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: 0
        }
        guard length > 0, index + length <= bytes.count else { return 0 }
        if length == 1 { return 1 }
        return String(validUTF8: bytes[index..<(index + length)]) == nil ? 0 : length
    }
}
