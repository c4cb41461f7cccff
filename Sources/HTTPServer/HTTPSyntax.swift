/// The small grammar pieces of RFC 9110 / RFC 9112 that the request parser and the multipart
/// parser share: tokens, quoted strings, parameters, percent-decoding.
enum HTTPSyntax {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C

    /// `tchar` of RFC 9110 section 5.6.2: the characters of methods, header names, tokens.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }

    static func isToken(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(isTokenByte)
    }

    /// A byte allowed in a field value: HTAB, SP, VCHAR, obs-text (RFC 9110 section 5.5).
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// `bytes` without leading and trailing SP / HTAB.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isWhitespace(first) { slice.removeFirst() }
        while let last = slice.last, isWhitespace(last) { slice.removeLast() }
        return slice
    }

    /// The elements of a comma-separated field value, trimmed, empty ones dropped.
    static func listElements(_ value: String) -> [String] {
        value.split(separator: ",").map { String($0.trimmingWhitespace()) }.filter { !$0.isEmpty }
    }

    /// Percent-decodes `bytes` (`+` becomes a space if asked). Nil if an escape is malformed or
    /// the result is not valid UTF-8: such a name would be silently repaired otherwise.
    static func percentDecoded(_ bytes: some Collection<UInt8>, plusIsSpace: Bool) -> String? {
        guard let decoded = percentDecodedBytes(bytes, plusIsSpace: plusIsSpace) else { return nil }
        return String(validating: decoded, as: UTF8.self)
    }

    static func percentDecodedBytes(_ bytes: some Collection<UInt8>, plusIsSpace: Bool) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                output.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                output.append(space)
            default:
                output.append(byte)
            }
        }
        return output
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// Parses `*( OWS ";" OWS name [ OWS "=" OWS ( token / quoted-string ) ] )`, the parameter
    /// list of media types, `Content-Disposition` and chunk extensions. Names are lowercased;
    /// quoted values are unescaped. Nil if the syntax is wrong.
    static func parameters(_ bytes: ArraySlice<UInt8>) -> [(name: String, value: String?)]? {
        var result: [(name: String, value: String?)] = []
        var index = bytes.startIndex
        func skipWhitespace() { while index < bytes.endIndex, isWhitespace(bytes[index]) { index += 1 } }
        func token() -> ArraySlice<UInt8>? {
            let start = index
            while index < bytes.endIndex, isTokenByte(bytes[index]) { index += 1 }
            return index > start ? bytes[start..<index] : nil
        }
        while true {
            skipWhitespace()
            if index == bytes.endIndex { return result }
            guard bytes[index] == UInt8(ascii: ";") else { return nil }
            index += 1
            skipWhitespace()
            // Tolerate an empty parameter (`a; ; b` or a trailing `;`), as browsers send.
            if index == bytes.endIndex || bytes[index] == UInt8(ascii: ";") { continue }
            guard let name = token() else { return nil }
            skipWhitespace()
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "=") else {
                result.append((name: String(decoding: name, as: UTF8.self).lowercased(), value: nil))
                continue
            }
            index += 1
            skipWhitespace()
            let value: [UInt8]
            if index < bytes.endIndex, bytes[index] == quote {
                guard let (unquoted, end) = quotedString(bytes, from: index) else { return nil }
                value = unquoted
                index = end
            } else {
                guard let plain = token() else { return nil }
                value = Array(plain)
            }
            result.append((name: String(decoding: name, as: UTF8.self).lowercased(), value: String(decoding: value, as: UTF8.self)))
        }
    }

    /// The unescaped content of the quoted-string starting at `start` (a `"`), and the index
    /// just past its closing quote.
    static func quotedString(_ bytes: ArraySlice<UInt8>, from start: Int) -> ([UInt8], Int)? {
        var index = start + 1
        var value: [UInt8] = []
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case quote:
                return (value, index + 1)
            case backslash:
                guard index + 1 < bytes.endIndex, isFieldValueByte(bytes[index + 1]) else { return nil }
                value.append(bytes[index + 1])
                index += 2
            default:
                guard isFieldValueByte(byte) else { return nil }
                value.append(byte)
                index += 1
            }
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> SubSequence {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
