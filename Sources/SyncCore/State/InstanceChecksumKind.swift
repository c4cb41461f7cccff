/// What the instance's item `checksum` turned out to be. Learned once per instance (the service
/// computes every item's checksum the same way) and kept in the state, so a host hashes only the
/// one algorithm it needs.
///
/// - `unknown`: no evidence yet; a fresh host computes every algorithm it can compare.
/// - `sha256`, `md5`, `sha1`: an item's checksum equalled that digest of a file whose content we
///   knew; from then on a mismatch means the content differs.
/// - `opaque`: content known equal (we uploaded it, or a download verified it) while the checksum
///   matched none of the three; only our own records and downloads can prove equality.
public enum InstanceChecksumKind: String, Hashable, Sendable, Codable, CaseIterable {
    case unknown, sha256, md5, sha1, opaque

    /// The digest the checksum is, when it is one we compute.
    public var algorithm: ChecksumAlgorithm? {
        switch self {
        case .sha256: .sha256
        case .md5: .md5
        case .sha1: .sha1
        case .unknown, .opaque: nil
        }
    }

    public init(_ algorithm: ChecksumAlgorithm) {
        switch algorithm {
        case .sha256: self = .sha256
        case .md5: self = .md5
        case .sha1: self = .sha1
        }
    }
}
