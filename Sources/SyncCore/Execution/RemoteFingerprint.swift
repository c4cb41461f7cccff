import AISearchAPI
import Hashing

/// What one cheap request shows of an instance, and what the agent recorded of it after its last
/// full comparison: enough to tell, without listing 2,000 pages, that nobody else changed it.
///
/// The evidence is `GET items?sort_by=modified_at&per_page=50` (newest first): the listing's
/// `result_info.total_count` and the ids and checksums of its first page, reduced to a digest.
/// It rests on one assumption about the API (see ai-search-api.md, "Items listing" and "Cheap
/// change evidence"): every upload or replacement of an item's content moves it to the front of
/// the `modified_at` order, and every removal lowers `total_count`. So an added or re-uploaded item
/// changes the first page, a deleted one the count. What it cannot see: a change of status alone
/// (an item that went to `error` without new content), and the rare set of changes that leaves
/// both unchanged; a full comparison at least every `maximumAge` bounds both.
public struct RemoteFingerprint: Hashable, Sendable {
    /// One probe's reading.
    public struct Evidence: Hashable, Sendable {
        public var totalCount: Int
        /// SHA-256 of the first page's `id checksum` lines, sorted (order within a page may vary).
        public var newestDigest: SHA256Digest

        public init(totalCount: Int, newestDigest: SHA256Digest) {
            self.totalCount = totalCount
            self.newestDigest = newestDigest
        }

        public init(totalCount: Int, newest: [Item]) {
            let lines = newest.map { "\($0.id) \($0.checksum)\n" }.sorted().joined()
            self.init(totalCount: totalCount, newestDigest: SHA256.hash(Array(lines.utf8)))
        }
    }

    /// The instance as this agent last left it (nil: not read since this agent changed it).
    public var evidence: Evidence?
    /// When the last full listing was compared (wall-clock nanoseconds).
    public var fullComparisonAtNanoseconds: Int64

    public init(evidence: Evidence?, fullComparisonAtNanoseconds: Int64) {
        self.evidence = evidence
        self.fullComparisonAtNanoseconds = fullComparisonAtNanoseconds
    }

    /// A full comparison is due this long after the last one, whatever the evidence says.
    public static let maximumAge: Duration = .seconds(24 * 3600)

    /// Whether `probe` shows the instance as recorded, within `maximumAge` of the last full
    /// comparison.
    public func vouches(for probe: Evidence, nowNanoseconds: Int64, maximumAge: Duration = Self.maximumAge) -> Bool {
        guard let evidence, evidence == probe else { return false }
        let age = nowNanoseconds - fullComparisonAtNanoseconds
        return age >= 0 && age < maximumAge.components.seconds * 1_000_000_000
    }
}
