import AISearchAPI

/// The seam between the emulator and a chunk/search index, one value per instance. The emulator
/// calls `index` when an item settles `completed`, `remove` when it is deleted, re-queued or
/// fails, and `chunks` for `GET …/items/{id}/chunks`. `search` backs the search endpoints (wired
/// at merge to `Search/KeywordIndex`). Values, not objects: the store owns them inside its actor.
public protocol SearchIndexing: Sendable {
    /// Splits `text` into chunks (replacing any earlier ones of `itemID`). `chunkSize` and
    /// `chunkOverlap` are the instance's settings, in whitespace-separated words.
    mutating func index(itemID: String, key: String, text: String, metadata: [String: JSONValue]?,
                        chunkSize: Int, chunkOverlap: Int)
    mutating func remove(itemID: String)
    /// The item's chunks in text order; empty for an unknown item.
    func chunks(itemID: String) -> [ItemChunk]
    /// Chunks matching `query`, best first, at most `maxResults`, none scoring under `matchThreshold`.
    /// `matchAll` true: every query term must occur (`keyword_match_mode: "and"`).
    func search(query: String, matchAll: Bool, maxResults: Int, matchThreshold: Double) -> [SearchHit]
}

/// One search result.
public struct SearchHit: Sendable, Hashable {
    public var chunk: ItemChunk
    public var score: Double
    public init(chunk: ItemChunk, score: Double) {
        self.chunk = chunk
        self.score = score
    }
}

/// The default index until `KeywordIndex` lands: word-window chunks with byte offsets, and a
/// plain term-frequency search (fraction of query terms present). Enough for chunk listings.
public struct BasicChunkIndex: SearchIndexing {
    private var chunksByItem: [String: [ItemChunk]] = [:]

    public init() {}

    public mutating func index(itemID: String, key: String, text: String, metadata: [String: JSONValue]?,
                               chunkSize: Int, chunkOverlap: Int) {
        let words = Self.wordRanges(in: Array(text.utf8))
        let bytes = Array(text.utf8)
        let size = max(1, chunkSize)
        let step = max(1, size - max(0, min(chunkOverlap, size - 1)))
        var chunks: [ItemChunk] = []
        var start = 0
        while start < words.count {
            let end = min(words.count, start + size)
            let startByte = words[start].lowerBound, endByte = words[end - 1].upperBound
            chunks.append(ItemChunk(id: "\(itemID)-\(chunks.count)",
                                    text: String(decoding: bytes[startByte..<endByte], as: UTF8.self),
                                    startByte: startByte, endByte: endByte,
                                    item: .init(key: key, metadata: metadata)))
            if end == words.count { break }
            start += step
        }
        chunksByItem[itemID] = chunks
    }

    public mutating func remove(itemID: String) { chunksByItem[itemID] = nil }

    public func chunks(itemID: String) -> [ItemChunk] { chunksByItem[itemID] ?? [] }

    public func search(query: String, matchAll: Bool, maxResults: Int, matchThreshold: Double) -> [SearchHit] {
        let terms = Set(query.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
        guard !terms.isEmpty else { return [] }
        var hits: [SearchHit] = []
        for chunk in chunksByItem.values.joined() {
            let words = Set(chunk.text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
            let found = terms.filter(words.contains).count
            if found == 0 || (matchAll && found < terms.count) { continue }
            let score = Double(found) / Double(terms.count)
            if score >= matchThreshold { hits.append(SearchHit(chunk: chunk, score: score)) }
        }
        hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.chunk.id < $1.chunk.id }
        return Array(hits.prefix(max(0, maxResults)))
    }

    /// Byte ranges of the runs of non-whitespace bytes.
    private static func wordRanges(in bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start: Int?
        for (offset, byte) in bytes.enumerated() {
            let isSpace = byte == 0x20 || (0x09...0x0d).contains(byte)
            if isSpace, let begin = start { ranges.append(begin..<offset); start = nil }
            else if !isSpace, start == nil { start = offset }
        }
        if let begin = start { ranges.append(begin..<bytes.count) }
        return ranges
    }
}
