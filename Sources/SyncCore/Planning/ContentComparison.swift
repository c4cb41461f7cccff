import AISearchAPI
import Hashing

/// What the planner could establish about an item's content against a file's.
enum ContentComparison: Hashable {
    case equal(ContentEvidence)
    case different
    /// Neither proven equal nor different: the checksum is opaque and the sizes agree.
    case undetermined
}

/// Compares `item` with a file of digest `sha256` (and any other `digests`) and size `size`, using
/// the strongest evidence available, in this order:
/// 1. our digest in the item's metadata (explicit, written by whoever uploaded it);
/// 2. our own record of this item id with this checksum;
/// 3. the checksum, when the instance's kind is a digest we have (or, kind unknown, any digest we
///    have matches it: a match proves equality, a miss proves nothing);
/// 4. a recorded item whose checksum moved: someone else changed it, it is `different` (policy:
///    the local file wins);
/// 5. the size: different sizes are different content;
/// 6. otherwise undetermined (verify by download).
func compareContent(of item: Item, sha256: SHA256Digest, digests: [ChecksumAlgorithm: String], size: Int64,
                    record: RemoteRecord?, kind: InstanceChecksumKind) -> ContentComparison {
    if let text = item.declaredSHA256Text, let declared = SHA256Digest(hex: normalizedChecksum(text)) {
        return declared == sha256 ? .equal(.metadataDigest) : .different
    }
    let checksum = normalizedChecksum(item.checksum)
    var available = digests
    available[.sha256] = sha256.hex
    if let record, record.hasItemID(item.id), !checksum.isEmpty, normalizedChecksum(record.checksum) == checksum {
        return record.contentSHA256 == sha256 ? .equal(.ownRecord) : .different
    }
    if !checksum.isEmpty {
        if let algorithm = kind.algorithm, let digest = available[algorithm] {
            return digest == checksum ? .equal(.checksum(algorithm)) : .different
        }
        if kind == .unknown, let algorithm = ChecksumAlgorithm.allCases.first(where: { available[$0] == checksum }) {
            return .equal(.checksum(algorithm))
        }
    }
    if record != nil { return .different }
    if let remoteSize = item.fileSize, remoteSize != size { return .different }
    return .undetermined
}

/// A byte `normalizedChecksum` leaves as it is, with nothing around it to trim or unquote: a digit
/// or a lowercase letter.
func isPlainChecksumByte(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
}

/// A checksum as compared: trimmed, surrounding quotes (ETag style) removed, lowercase.
func normalizedChecksum(_ checksum: String) -> String {
    // Nearly every checksum is already plain lowercase hex: nothing to trim, unquote or lower.
    // Read as a buffer: through `String.UTF8View` the check cost more than the comparison it guards.
    if checksum.utf8.withContiguousStorageIfAvailable({ $0.allSatisfy(isPlainChecksumByte) }) ?? checksum.utf8.allSatisfy(isPlainChecksumByte) {
        return checksum
    }
    var text = Substring(checksum).drop { $0 == " " }
    while text.last == " " { text = text.dropLast() }
    if text.count >= 2, text.first == "\"", text.last == "\"" { text = text.dropFirst().dropLast() }
    return text.lowercased()
}

extension InstanceChecksumKind {
    /// What an item's checksum reveals once the content is known equal to a file with `digests`
    /// (after our upload, or a verified download): the matching algorithm, `opaque` when all three
    /// digests are at hand and none matches, nil when that cannot be told yet.
    public static func detect(checksum: String, digests: [ChecksumAlgorithm: String]) -> InstanceChecksumKind? {
        let checksum = normalizedChecksum(checksum)
        guard !checksum.isEmpty else { return nil }
        if let algorithm = ChecksumAlgorithm.allCases.first(where: { digests[$0]?.lowercased() == checksum }) {
            return InstanceChecksumKind(algorithm)
        }
        return ChecksumAlgorithm.allCases.allSatisfy({ digests[$0] != nil }) ? .opaque : nil
    }
}

/// The digests the scanner should compute for a file whose key has `item` remotely: SHA-256
/// always; the instance's checksum algorithm when it is known and the item has to be recognised
/// by it; all three while the kind is unknown; none extra when the item carries our metadata
/// digest or our record already vouches for its checksum.
public func checksumAlgorithmsToCompute(item: Item?, record: RemoteRecord?, kind: InstanceChecksumKind) -> Set<ChecksumAlgorithm> {
    guard let item, item.declaredSHA256Text == nil else { return [.sha256] }
    if let record, record.hasItemID(item.id), normalizedChecksum(record.checksum) == normalizedChecksum(item.checksum) {
        return [.sha256]
    }
    switch kind {
    case .sha256, .opaque: return [.sha256]
    case .md5: return [.sha256, .md5]
    case .sha1: return [.sha256, .sha1]
    case .unknown: return Set(ChecksumAlgorithm.allCases)
    }
}
