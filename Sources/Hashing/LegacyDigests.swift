/// An MD5 digest (16 bytes). Used only to recognise a server checksum, never as our own record.
public struct MD5Digest: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "an MD5 digest has 16 bytes")
        self.bytes = bytes
    }

    /// Parses 32 hex digits (either case); nil otherwise.
    public init?(hex: String) {
        guard let bytes = parseHex(hex, byteCount: 16) else { return nil }
        self.bytes = bytes
    }

    /// Lowercase hex, as `md5sum` prints it.
    public var hex: String { hexString(bytes) }
    public var description: String { hex }
}

/// A SHA-1 digest (20 bytes). Used only to recognise a server checksum, never as our own record.
public struct SHA1Digest: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 20, "a SHA-1 digest has 20 bytes")
        self.bytes = bytes
    }

    /// Parses 40 hex digits (either case); nil otherwise.
    public init?(hex: String) {
        guard let bytes = parseHex(hex, byteCount: 20) else { return nil }
        self.bytes = bytes
    }

    /// Lowercase hex, as `sha1sum` prints it.
    public var hex: String { hexString(bytes) }
    public var description: String { hex }
}

/// Exactly `byteCount` bytes from `2 × byteCount` hex digits (either case), or nil.
public func parseHex(_ text: String, byteCount: Int) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count == byteCount * 2 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(byteCount)
    for index in stride(from: 0, to: digits.count, by: 2) {
        guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
        bytes.append(high << 4 | low)
    }
    return bytes
}
