import AISearchAPI

/// The seam between the emulator and a chunk/search index, one value per instance. The emulator
/// calls `index` when an item settles `completed`, `remove` when it is deleted or fails, `chunks`
/// for `GET …/items/{id}/chunks` and `search` for the search endpoints. Served by
/// ``KeywordIndex`` (BM25). Values, not objects: the store owns them inside its actor.
public protocol SearchIndexing: Sendable {
    /// Splits `text` into chunks (replacing any earlier ones of `itemID`). `chunkSize` (tokens)
    /// and `chunkOverlap` (percent) are the instance's settings. `timestamp`: seconds since the
    /// epoch of the item's last content change.
    mutating func index(itemID: String, key: String, text: String, metadata: [String: JSONValue]?,
                        timestamp: Double?, chunkSize: Int, chunkOverlap: Int)
    mutating func remove(itemID: String)
    /// The item's chunks in text order; empty for an unknown item.
    func chunks(itemID: String) -> [ItemChunk]
    /// Chunks matching `query`, best first, at most `maxResults`, none scoring under
    /// `matchThreshold`; `itemFilter` (given an item id) drops items before ranking.
    func search(query: String, mode: KeywordMatchMode, maxResults: Int, matchThreshold: Double,
                itemFilter: ((String) -> Bool)?) -> [ScoredChunk]
}

extension KeywordIndex: SearchIndexing {
    public mutating func index(itemID: String, key: String, text: String, metadata: [String: JSONValue]?,
                               timestamp: Double?, chunkSize: Int, chunkOverlap: Int) {
        add(itemID: itemID, key: key, text: text, metadata: metadata, timestamp: timestamp,
            chunkSize: chunkSize, chunkOverlap: chunkOverlap)
    }

    public func chunks(itemID: String) -> [ItemChunk] { chunks(forItem: itemID) }
}
