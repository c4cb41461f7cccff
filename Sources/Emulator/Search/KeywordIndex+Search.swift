import Foundation

extension KeywordIndex {
    /// Ranks chunks for `query` by BM25 and returns the best ones.
    ///
    /// - Terms: the query's distinct folded terms (``KeywordTokenizer/queryTerms(in:)``); a
    ///   repeated query word counts once. A query with no terms (empty, blank, punctuation
    ///   only) returns no hits rather than an error; an endpoint that wants to answer 400
    ///   checks `KeywordTokenizer.queryTerms(in:).isEmpty` itself.
    /// - Candidates: `.and` keeps chunks holding every term (so an unknown term means no hits);
    ///   `.or` keeps chunks holding any. `itemFilter`, given an item id, drops items before
    ///   ranking; corpus statistics (`N`, `n`, average length) still count every chunk, as a
    ///   filter on the real service does not change its index.
    /// - Score: `Σ idf(t) · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl))` over the query terms
    ///   in query order, with `idf(t) = ln(1 + (N − n + 0.5)/(n + 0.5))`, k1 = 1.2, b = 0.75,
    ///   `N` live chunks, `n` live chunks holding `t`, `dl` the chunk's term count and `avgdl`
    ///   the mean over all chunks. That raw value is `keywordScore`.
    /// - Order: `keywordScore` descending, then item key, chunk start byte and item id
    ///   ascending; `keywordRank` is the 1-based position in that order.
    /// - Normalisation: `score = keywordScore / best keywordScore`, so the top hit scores 1 and
    ///   the others keep their proportion to it. Hits with `score < matchThreshold` are dropped
    ///   (`matchThreshold` clamped to 0 … 1; NaN counts as 0). Since the order is by score,
    ///   this only trims the tail.
    /// - Count: at most `maxResults`, clamped to 1 … 50.
    public func search(query: String, mode: KeywordMatchMode = .and, maxResults: Int = 10,
                       matchThreshold: Double = 0, itemFilter: ((String) -> Bool)? = nil) -> [ScoredChunk] {
        let queryTerms = KeywordTokenizer.queryTerms(in: query)
        guard !queryTerms.isEmpty, liveChunkCount > 0 else { return [] }

        var terms: [(id: Int32, idf: Double, frequency: Int)] = []
        for term in queryTerms {
            if let id = termIDs[term], documentFrequency[Int(id)] > 0 {
                let n = Double(documentFrequency[Int(id)])
                let idf = log(1 + (Double(liveChunkCount) - n + 0.5) / (n + 0.5))
                terms.append((id, idf, documentFrequency[Int(id)]))
            } else if mode == .and {
                return []
            }
        }
        guard !terms.isEmpty else { return [] }

        var candidates: [Int] = []
        switch mode {
        case .and:
            let rarest = terms.min { $0.frequency < $1.frequency }!
            for posting in postings[Int(rarest.id)] {
                guard let chunk = slots[Int(posting.slot)],
                      terms.allSatisfy({ chunk.count(of: $0.id) > 0 }) else { continue }
                candidates.append(Int(posting.slot))
            }
        case .or:
            var seen: Set<Int32> = []
            for term in terms {
                for posting in postings[Int(term.id)] where slots[Int(posting.slot)] != nil {
                    if seen.insert(posting.slot).inserted { candidates.append(Int(posting.slot)) }
                }
            }
        }

        if let itemFilter {
            var verdicts: [String: Bool] = [:]
            candidates.removeAll { slot in
                let itemID = slots[slot]!.itemID
                if let verdict = verdicts[itemID] { return !verdict }
                let verdict = itemFilter(itemID)
                verdicts[itemID] = verdict
                return !verdict
            }
        }

        let averageLength = Double(totalLength) / Double(liveChunkCount)
        var hits: [(slot: Int, score: Double)] = candidates.map { slot in
            let chunk = slots[slot]!
            let lengthFactor = Self.k1 * (1 - Self.b + Self.b * Double(chunk.length) / averageLength)
            var score = 0.0
            for term in terms {
                let frequency = Double(chunk.count(of: term.id))
                guard frequency > 0 else { continue }
                score += term.idf * frequency * (Self.k1 + 1) / (frequency + lengthFactor)
            }
            return (slot, score)
        }
        hits.sort { lhs, rhs in
            if lhs.score != rhs.score { return lhs.score > rhs.score }
            let left = slots[lhs.slot]!, right = slots[rhs.slot]!
            let leftKey = items[left.itemID]!.key, rightKey = items[right.itemID]!.key
            if leftKey != rightKey { return leftKey < rightKey }
            if left.bytes.lowerBound != right.bytes.lowerBound { return left.bytes.lowerBound < right.bytes.lowerBound }
            return left.itemID < right.itemID
        }

        guard let best = hits.first?.score, best > 0 else { return [] }
        let threshold = matchThreshold.isNaN ? 0 : min(max(matchThreshold, 0), 1)
        let limit = min(max(maxResults, 1), 50)
        var results: [ScoredChunk] = []
        for (position, hit) in hits.prefix(limit).enumerated() {
            let normalized = hit.score / best
            guard normalized >= threshold else { break }
            let chunk = slots[hit.slot]!
            let item = items[chunk.itemID]!
            results.append(ScoredChunk(
                itemID: chunk.itemID, key: item.key, chunkID: Self.chunkID(itemID: chunk.itemID, index: chunk.index),
                text: String(decoding: item.utf8[chunk.bytes], as: UTF8.self),
                startByte: chunk.bytes.lowerBound, endByte: chunk.bytes.upperBound,
                score: normalized, keywordScore: hit.score, keywordRank: position + 1,
                metadata: item.metadata, timestamp: item.timestamp))
        }
        return results
    }
}
