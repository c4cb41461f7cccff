import AISearchAPI
import HTTPServer

/// `POST …/instances/{id}/search` and `POST /accounts/{a}/ai-search/namespaces/{ns}/search`.
///
/// Retrieval is always the keyword (BM25) ranking of ``KeywordIndex``: `retrieval_type`
/// `vector` and `hybrid` are accepted and answered with that same ranking (the emulator invents
/// no vectors). Honoured: `max_num_results` (1 … 50, default 10), `match_threshold` (0 … 1),
/// `keyword_match_mode` (`and`, the default, or `or`). Only `completed` items are searched.
/// A request with `messages` searches the text of the last `user` message.
extension EmulatorService {
    func search(_ request: HTTPRequest, route: Route) async throws(EmulatorError) -> HTTPResponse {
        let body = try JSONAnswers.decode(SearchRequest.self, from: request)
        let query = try Self.queryText(of: body)
        let retrieval = body.options?.retrieval
        let maxResults = retrieval?.maxNumResults ?? 10
        guard (1...50).contains(maxResults) else { throw .invalidRequest("max_num_results must be 1 to 50") }
        let threshold = retrieval?.matchThreshold ?? 0
        guard threshold >= 0, threshold <= 1 else { throw .invalidRequest("match_threshold must be 0 to 1") }
        let mode: KeywordMatchMode = retrieval?.keywordMatchMode == .or ? .or : .and

        let keys: [InstanceKey]
        if route.resource == .namespaceSearch {
            guard let ids = body.options?.instanceIDs, !ids.isEmpty else {
                throw .invalidRequest("ai_search_options.instance_ids (a non-empty list) is required")
            }
            var seen: Set<String> = []
            keys = ids.filter { seen.insert($0).inserted }.map { InstanceKey(namespace: route.namespace, id: $0) }
        } else {
            keys = [route.instanceKey]
        }
        let hits = try await store.search(keys, query: query, mode: mode, maxResults: maxResults, matchThreshold: threshold)
        let chunks = hits.map { instance, hit in
            SearchChunk(id: hit.chunkID, instanceID: route.resource == .namespaceSearch ? instance : nil,
                        score: hit.score, text: hit.text, type: "text",
                        item: ItemChunk.ItemReference(key: hit.key, metadata: hit.metadata, timestamp: hit.timestamp),
                        scoringDetails: ScoringDetails(keywordScore: hit.keywordScore, keywordRank: Double(hit.keywordRank)))
        }
        return JSONAnswers.success(SearchResult(chunks: chunks, queryKind: "text", searchQuery: query))
    }

    private static func queryText(of body: SearchRequest) throws(EmulatorError) -> String {
        var text = body.query
        if text == nil, let messages = body.messages {
            let last = messages.last { $0.role == "user" } ?? messages.last
            switch last?.content {
            case .string(let value)?: text = value
            case .array(let parts)?:
                text = parts.compactMap { $0.objectValue?["text"]?.stringValue }.joined(separator: " ")
            default: break
            }
        }
        guard let text, !KeywordTokenizer.queryTerms(in: text).isEmpty else {
            throw .invalidRequest("query (a string with at least one word) or messages is required")
        }
        return text
    }
}

extension EmulatorStore {
    /// BM25 hits over `keys`' completed items, best first. Over several instances the raw
    /// keyword scores are merged, then scores re-normalised to the best and ranks renumbered.
    func search(_ keys: [InstanceKey], query: String, mode: KeywordMatchMode, maxResults: Int,
                matchThreshold: Double) throws(EmulatorError) -> [(instance: String, hit: ScoredChunk)] {
        var states: [(String, InstanceState)] = []
        for key in keys { states.append((key.id, try existing(key))) }
        if states.count == 1, let (id, state) = states.first {
            let items = state.items
            return state.index.search(query: query, mode: mode, maxResults: maxResults, matchThreshold: matchThreshold,
                                      itemFilter: { items[$0]?.status == .completed }).map { (id, $0) }
        }
        var merged: [(instance: String, hit: ScoredChunk)] = []
        for (id, state) in states {
            let items = state.items
            merged += state.index.search(query: query, mode: mode, maxResults: maxResults, matchThreshold: 0,
                                         itemFilter: { items[$0]?.status == .completed }).map { (id, $0) }
        }
        merged.sort { lhs, rhs in
            if lhs.hit.keywordScore != rhs.hit.keywordScore { return lhs.hit.keywordScore > rhs.hit.keywordScore }
            let (left, right) = (KeyBytes(lhs.hit.key), KeyBytes(rhs.hit.key))
            if left != right { return left < right }
            if lhs.instance != rhs.instance { return lhs.instance < rhs.instance }
            return lhs.hit.startByte < rhs.hit.startByte
        }
        guard let best = merged.first?.hit.keywordScore, best > 0 else { return [] }
        var results: [(instance: String, hit: ScoredChunk)] = []
        for (position, entry) in merged.prefix(maxResults).enumerated() {
            var hit = entry.hit
            hit.score = hit.keywordScore / best
            guard hit.score >= matchThreshold else { break }
            hit.keywordRank = position + 1
            results.append((entry.instance, hit))
        }
        return results
    }
}
