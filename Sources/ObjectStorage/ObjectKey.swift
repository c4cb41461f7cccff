/// An object key as S3 sees it: bytes. Two spellings of the same name in different Unicode
/// normalisations (NFC `é`, NFD `e` + U+0301) are two keys, and keys sort by their bytes, the
/// order ListObjectsV2 answers in. Build one from a `String` (its UTF-8) or from raw bytes.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// S3 allows keys of 1 to 1,024 bytes.
    public static let maxLength = 1024

    public let bytes: [UInt8]

    public init(_ string: String) { bytes = Array(string.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(stringLiteral value: String) { self.init(value) }

    /// The key as text when it is valid UTF-8.
    public var string: String? { String(validating: bytes, as: UTF8.self) }

    /// The key for messages: invalid UTF-8 shows as U+FFFD.
    public var description: String { String(decoding: bytes, as: UTF8.self) }

    /// How the key appears in a path: each byte per `AWSPercentEncoding`, `/` kept.
    public var encodedPath: String { AWSPercentEncoding.encode(bytes, keepingSlash: true) }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    /// Why the client will not send this key, or nil. Besides S3's length rule, a key with a
    /// `.` or `..` path segment is refused: HTTP stacks (curl among them) resolve such segments
    /// before sending, so the request would reach another key than the one signed.
    public var problem: String? {
        if bytes.isEmpty { return "an object key must not be empty" }
        if bytes.count > Self.maxLength { return "object key \(description) is \(bytes.count) bytes; S3 allows at most \(Self.maxLength)" }
        let segments = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        if segments.contains(where: { $0.elementsEqual([0x2E]) || $0.elementsEqual([0x2E, 0x2E]) }) {
            return "object key \(description) has a \".\" or \"..\" path segment, which HTTP clients rewrite; rename it"
        }
        return nil
    }
}

/// An entity tag as S3 answers it, quotes removed. A single-part upload's ETag is the hex MD5 of
/// its bytes; a multipart upload's has a `-N` suffix and is no digest of the content.
public struct ETag: Hashable, Sendable, CustomStringConvertible {
    /// Without quotes (and without a weak `W/` prefix).
    public let value: String

    public init(_ raw: String) {
        var text = Substring(raw.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = text.dropFirst().dropLast() }
        value = text.lowercased()
    }

    /// The MD5 it stands for, when it is one (32 hex digits).
    public var md5Hex: String? {
        value.utf8.count == 32 && value.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) ? value : nil
    }

    /// Whether this is the ETag S3 gives a single-part object with `md5Hex` as its digest.
    public func matches(md5Hex digest: String) -> Bool { md5Hex == digest.lowercased() }

    public var description: String { "\"\(value)\"" }
}
