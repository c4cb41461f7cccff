import Hashing
/// The byte-level rules behind `KeyMapper`: the reversible escape of one path component, and the
/// deterministic shortened form of an over-long key. Pure functions on UTF-8 bytes.
///
/// Escape. A component is kept byte for byte unless it
/// 1. is not valid UTF-8, or
/// 2. contains a C0 control character or DEL (they would corrupt logs and multipart headers), or
/// 3. starts with the marker `%%`, or
/// 4. is the last component and looks like a shortened key's tail (`~` + 16 lowercase hex +
///    an optional kept extension, see `looksShortened`).
/// Such a component becomes `%%` followed by its bytes, where every byte of an invalid UTF-8
/// sequence, every control character, `%` and `~` is written `%XX` (uppercase hex) and every
/// other scalar is kept as is. So ordinary names are unchanged, escaped components always start
/// with `%%`, contain no `~`, and decode by reversing `%XX`; the three kinds of key (plain,
/// escaped, shortened) are disjoint, which makes the mapping injective.
enum KeyEncoding {
    static let marker: [UInt8] = [percent, percent]
    static let hashDigitCount = 16
    /// The longest extension (with its dot) a shortened key keeps.
    static let maximumExtensionLength = 16

    static let percent = UInt8(ascii: "%")
    static let tilde = UInt8(ascii: "~")
    static let slash = UInt8(ascii: "/")
    static let dot = UInt8(ascii: ".")

    /// Appends the key form of `component` to `key`.
    static func append(component: ArraySlice<UInt8>, isLast: Bool, to key: inout [UInt8]) {
        guard needsEscape(component, isLast: isLast) else {
            key.append(contentsOf: component)
            return
        }
        key.append(contentsOf: marker)
        forEachScalar(in: component) { bytes, scalar in
            if let scalar, !isControl(scalar), scalar != "%", scalar != "~" {
                key.append(contentsOf: bytes)
            } else {
                for byte in bytes { appendEscaped(byte, to: &key) }
            }
        }
    }

    /// The bytes of an escaped component (without its `%%` marker), or nil when a `%` is not
    /// followed by two uppercase hex digits. Does not check that the result is canonical.
    static func decodeEscaped(_ payload: ArraySlice<UInt8>) -> [UInt8]? {
        var result: [UInt8] = []
        var index = payload.startIndex
        while index < payload.endIndex {
            let byte = payload[index]
            if byte == percent {
                guard index + 2 < payload.endIndex,
                      let high = upperHexValue(payload[index + 1]), let low = upperHexValue(payload[index + 2])
                else { return nil }
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(byte)
                index += 1
            }
        }
        return result
    }

    /// Whether the last component of a key has the shape of a shortened key's tail.
    static func looksShortened(lastComponent: ArraySlice<UInt8>) -> Bool {
        guard let tilde = lastComponent.lastIndex(of: tilde) else { return false }
        let afterTilde = lastComponent[(tilde + 1)...]
        guard afterTilde.count >= hashDigitCount,
              afterTilde.prefix(hashDigitCount).allSatisfy(isLowerHexDigit) else { return false }
        let rest = afterTilde.dropFirst(hashDigitCount)
        return rest.isEmpty || isKeepableExtension(rest)
    }

    /// The extension a shortened key keeps: from the last `.` of the last component (the whole
    /// name for `.gitignore`), when it is 1 to 15 ASCII letters, digits, `_` or `-`; else empty.
    static func keptExtension(ofLastComponent component: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let dot = component.lastIndex(of: dot) else { return [] }
        let candidate = component[dot...]
        return isKeepableExtension(candidate) ? candidate : []
    }

    /// `head ~ h ext`: `h` is the first 16 hex digits of the SHA-256 of the whole `fullKey`,
    /// `ext` its kept extension, `head` the longest start of `fullKey` that fits `limit` bytes
    /// without splitting a UTF-8 sequence.
    static func shortened(_ fullKey: [UInt8], limit: Int) -> [UInt8] {
        let lastComponent = fullKey[(fullKey.lastIndex(of: slash).map { $0 + 1 } ?? 0)...]
        let ext = keptExtension(ofLastComponent: lastComponent)
        let hash = SHA256.hash(fullKey).hex.utf8.prefix(hashDigitCount)
        var cut = min(fullKey.count, limit - 1 - hashDigitCount - ext.count)
        while cut > 0, cut < fullKey.count, fullKey[cut] & 0xC0 == 0x80 { cut -= 1 }
        return Array(fullKey[..<cut]) + [tilde] + Array(hash) + Array(ext)
    }

    /// The last component of `key` (everything after its final `/`).
    static func lastComponent(of key: [UInt8]) -> ArraySlice<UInt8> {
        key[(key.lastIndex(of: slash).map { $0 + 1 } ?? 0)...]
    }

    // MARK: - Pieces

    /// Whether `component`'s key form differs from its bytes.
    static func needsEscape(_ component: ArraySlice<UInt8>, isLast: Bool) -> Bool {
        if component.starts(with: marker) { return true }
        // Printable ASCII (nearly every name) is valid UTF-8 without a control: no need to
        // decode it scalar by scalar, which a walk did for every component of every file.
        if component.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return isLast && looksShortened(lastComponent: component) }
        var needed = false
        forEachScalar(in: component) { _, scalar in
            if let scalar { if isControl(scalar) { needed = true } } else { needed = true }
        }
        return needed || (isLast && looksShortened(lastComponent: component))
    }

    /// Calls `body` with each valid scalar and its bytes, or with nil and the bytes of each
    /// maximal invalid subsequence (as the Unicode standard's decoder splits them).
    private static func forEachScalar(in bytes: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>, Unicode.Scalar?) -> Void) {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = bytes.startIndex
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                body(bytes[offset..<(offset + encoded.count)], Unicode.UTF8.decode(encoded))
                offset += encoded.count
            case .error(let length):
                body(bytes[offset..<(offset + length)], nil)
                offset += length
            case .emptyInput:
                return
            }
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }

    private static func appendEscaped(_ byte: UInt8, to key: inout [UInt8]) {
        let digits = Array("0123456789ABCDEF".utf8)
        key.append(percent)
        key.append(digits[Int(byte >> 4)])
        key.append(digits[Int(byte & 0x0F)])
    }

    private static func upperHexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func isLowerHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func isKeepableExtension(_ candidate: ArraySlice<UInt8>) -> Bool {
        guard candidate.count >= 2, candidate.count <= maximumExtensionLength, candidate.first == dot else { return false }
        return candidate.dropFirst().allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}
