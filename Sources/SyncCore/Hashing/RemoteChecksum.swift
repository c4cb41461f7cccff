import Hashing

/// What a server `checksum` string looks like it could be. The API does not document its
/// algorithm, so a kind found from the format is only a *candidate*: it is confirmed only when
/// the bytes equal our own digest of that kind (`RemoteChecksum.matches`).
public enum RemoteChecksumKind: String, Hashable, Sendable, CaseIterable {
    case sha256, md5, sha1, unknown

    /// The algorithm that would confirm this candidate, nil for `.unknown`.
    public var algorithm: ChecksumAlgorithm? {
        switch self {
        case .sha256: .sha256
        case .md5: .md5
        case .sha1: .sha1
        case .unknown: nil
        }
    }
}

/// A server checksum, parsed.
///
/// Accepted forms (surrounding whitespace and double quotes, as in an ETag, are dropped):
/// - hex of 64, 32 or 40 digits in either case: SHA-256, MD5, SHA-1 candidates by length;
/// - base64 (standard or URL-safe, padding optional) of 32, 16 or 20 bytes: the same by length;
/// - either of the above behind a label `sha256`, `sha-256`, `md5`, `sha1` or `sha-1` (any case)
///   and one of `:`, `=`, `-` (e.g. `sha256:…`, Subresource-Integrity `sha256-…`); a label
///   whose length disagrees with the digest makes the checksum `.unknown`.
/// Anything else (an S3 multipart ETag `…-3`, a CRC, a UUID) is `.unknown` and never matches.
public struct RemoteChecksum: Hashable, Sendable {
    /// The string as the server sent it.
    public let text: String
    /// The candidate kind; `.unknown` when the format fits none.
    public let kind: RemoteChecksumKind
    /// The decoded digest bytes, nil when `kind` is `.unknown`.
    public let bytes: [UInt8]?

    public init(_ text: String) {
        self.text = text
        if let (kind, bytes) = Self.parse(text) {
            self.kind = kind
            self.bytes = bytes
        } else {
            kind = .unknown
            bytes = nil
        }
    }

    /// The candidate kind of `checksum`, by its format alone.
    public static func detectKind(checksum: String) -> RemoteChecksumKind {
        RemoteChecksum(checksum).kind
    }

    /// Whether the server checksum equals one of `localDigests`. False when the kind is unknown
    /// or when `localDigests` lacks the digest of the candidate kind (hash again with
    /// `kind.algorithm` to find out).
    public func matches(_ localDigests: FileDigests) -> Bool {
        guard let bytes else { return false }
        switch kind {
        case .sha256: return bytes == localDigests.sha256.bytes
        case .md5: return localDigests.md5.map { $0.bytes == bytes } ?? false
        case .sha1: return localDigests.sha1.map { $0.bytes == bytes } ?? false
        case .unknown: return false
        }
    }

    /// Whether `remoteChecksum` equals one of `localDigests` (see `matches`).
    public static func recognise(remoteChecksum: String, localDigests: FileDigests) -> Bool {
        RemoteChecksum(remoteChecksum).matches(localDigests)
    }

    private static let labels: [(String, RemoteChecksumKind)] = [
        ("sha-256", .sha256), ("sha256", .sha256), ("sha-1", .sha1), ("sha1", .sha1), ("md5", .md5),
    ]

    private static func parse(_ text: String) -> (RemoteChecksumKind, [UInt8])? {
        var body = Substring(text).trimmingWhitespace()
        if body.count >= 2, body.first == "\"", body.last == "\"" {
            body = body.dropFirst().dropLast()
        }
        var labelled: RemoteChecksumKind?
        let lowered = body.lowercased()
        for (label, kind) in labels where lowered.hasPrefix(label) {
            let rest = body.dropFirst(label.count)
            if let separator = rest.first, ":=-".contains(separator) {
                labelled = kind
                body = rest.dropFirst()
            }
            break
        }
        guard let (kind, bytes) = decodeHex(body) ?? decodeBase64(body) else { return nil }
        if let labelled, labelled != kind { return nil }
        return (kind, bytes)
    }

    private static func kind(forByteCount count: Int) -> RemoteChecksumKind? {
        switch count {
        case 32: .sha256
        case 16: .md5
        case 20: .sha1
        default: nil
        }
    }

    private static func decodeHex(_ text: Substring) -> (RemoteChecksumKind, [UInt8])? {
        guard let kind = kind(forByteCount: text.utf8.count / 2),
              let bytes = parseHex(String(text), byteCount: text.utf8.count / 2) else { return nil }
        return (kind, bytes)
    }

    private static func decodeBase64(_ text: Substring) -> (RemoteChecksumKind, [UInt8])? {
        var digits = Array(text.utf8)
        while digits.last == UInt8(ascii: "=") { digits.removeLast() }
        guard digits.count % 4 != 1 else { return nil }
        var bytes: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for digit in digits {
            guard let value = base64Value(digit) else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        guard let kind = kind(forByteCount: bytes.count) else { return nil }
        return (kind, bytes)
    }

    private static func base64Value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): digit - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"), UInt8(ascii: "-"): 62
        case UInt8(ascii: "/"), UInt8(ascii: "_"): 63
        default: nil
        }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first.isWhitespace { result = result.dropFirst() }
        while let last = result.last, last.isWhitespace { result = result.dropLast() }
        return result
    }
}
