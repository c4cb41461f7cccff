import AISearchAPI

/// One hit of a keyword search: a chunk, the item it belongs to, and its scores.
///
/// Maps onto the search answer's chunk (`{id, score, text, type, item: {key, metadata,
/// timestamp}, scoring_details: {keyword_score, keyword_rank}}`); `itemID`, `startByte` and
/// `endByte` are extra, for the emulator's own use.
public struct ScoredChunk: Sendable, Hashable {
    public var itemID: String
    public var key: String
    public var chunkID: String
    public var text: String
    /// UTF-8 byte offset of the chunk in the item's text.
    public var startByte: Int
    /// UTF-8 byte offset just past the chunk (exclusive).
    public var endByte: Int
    /// The BM25 score normalised to 0 … 1: `keywordScore` divided by the best `keywordScore`
    /// of the search, so the best hit scores exactly 1. This is what `match_threshold` filters.
    public var score: Double
    /// The raw BM25 score (`scoring_details.keyword_score`).
    public var keywordScore: Double
    /// 1-based position in the BM25 ranking (`scoring_details.keyword_rank`).
    public var keywordRank: Int
    public var metadata: [String: JSONValue]?
    /// The item's timestamp, seconds since the epoch.
    public var timestamp: Double?

    public init(itemID: String, key: String, chunkID: String, text: String, startByte: Int, endByte: Int,
                score: Double, keywordScore: Double, keywordRank: Int, metadata: [String: JSONValue]?,
                timestamp: Double?) {
        self.itemID = itemID
        self.key = key
        self.chunkID = chunkID
        self.text = text
        self.startByte = startByte
        self.endByte = endByte
        self.score = score
        self.keywordScore = keywordScore
        self.keywordRank = keywordRank
        self.metadata = metadata
        self.timestamp = timestamp
    }
}
