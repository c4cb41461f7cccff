/// A digest the agent can compute of a file, to compare with an item's server-side `checksum`.
/// SHA-256 is the agent's own record; MD5 and SHA-1 are computed only to recognise the checksum.
public enum ChecksumAlgorithm: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case sha256, md5, sha1

    public static func < (lhs: ChecksumAlgorithm, rhs: ChecksumAlgorithm) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
