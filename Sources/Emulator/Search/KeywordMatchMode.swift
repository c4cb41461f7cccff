/// Which chunks are candidates for a keyword search (`keyword_match_mode` in the API).
public enum KeywordMatchMode: String, Sendable, Hashable, CaseIterable {
    /// Only chunks that contain every query term. Cloudflare's default.
    case and
    /// Every chunk that contains at least one query term, ranked by BM25.
    case or
}
