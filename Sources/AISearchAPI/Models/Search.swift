/// The body of a search: a `query` or OpenAI-style `messages`, and `ai_search_options`.
public struct SearchRequest: Codable, Sendable, Hashable {
    public var query: String?
    public var messages: [SearchMessage]?
    public var options: SearchOptions?

    public init(query: String, options: SearchOptions? = nil) {
        self.query = query
        self.options = options
    }

    public init(messages: [SearchMessage], options: SearchOptions? = nil) {
        self.messages = messages
        self.options = options
    }

    enum CodingKeys: String, CodingKey {
        case query, messages
        case options = "ai_search_options"
    }
}

/// One chat message; `content` is a string or an array of typed parts (`text`, `image_url`, `file`).
public struct SearchMessage: Codable, Sendable, Hashable {
    public var role: String
    public var content: JSONValue

    public init(role: String, content: String) {
        self.role = role
        self.content = .string(content)
    }

    public init(role: String, content: JSONValue) {
        self.role = role
        self.content = content
    }
}

/// `ai_search_options`.
public struct SearchOptions: Codable, Sendable, Hashable {
    /// Namespace-wide search only: the instances to search (required there).
    public var instanceIDs: [String]?
    public var retrieval: RetrievalOptions?
    /// `{enabled, model, match_threshold}`.
    public var reranking: [String: JSONValue]?
    /// `{enabled, model, rewrite_prompt}`.
    public var queryRewrite: [String: JSONValue]?
    /// `{enabled, cache_threshold}`.
    public var cache: [String: JSONValue]?
    /// Up to 2 entries added to AI Gateway logs.
    public var customMetadata: [String: JSONValue]?

    public init(instanceIDs: [String]? = nil, retrieval: RetrievalOptions? = nil, reranking: [String: JSONValue]? = nil,
                queryRewrite: [String: JSONValue]? = nil, cache: [String: JSONValue]? = nil,
                customMetadata: [String: JSONValue]? = nil) {
        self.instanceIDs = instanceIDs
        self.retrieval = retrieval
        self.reranking = reranking
        self.queryRewrite = queryRewrite
        self.cache = cache
        self.customMetadata = customMetadata
    }

    enum CodingKeys: String, CodingKey {
        case retrieval, reranking, cache
        case instanceIDs = "instance_ids"
        case queryRewrite = "query_rewrite"
        case customMetadata = "custom_metadata"
    }
}

/// `ai_search_options.retrieval`.
public struct RetrievalOptions: Codable, Sendable, Hashable {
    public enum RetrievalType: String, Codable, Sendable, Hashable { case vector, keyword, hybrid }
    public enum KeywordMatchMode: String, Codable, Sendable, Hashable { case and, or }
    public enum FusionMethod: String, Codable, Sendable, Hashable { case max, rrf }

    /// `{field, direction: asc|desc|exists|not_exists}`.
    public struct Boost: Codable, Sendable, Hashable {
        public var field: String
        public var direction: String?
        public init(field: String, direction: String? = nil) {
            self.field = field
            self.direction = direction
        }
    }

    public var maxNumResults: Int?
    public var matchThreshold: Double?
    public var retrievalType: RetrievalType?
    /// `and` (the default) or `or`: which documents are BM25 candidates.
    public var keywordMatchMode: KeywordMatchMode?
    /// Vectorize-style metadata filter.
    public var filters: [String: JSONValue]?
    public var contextExpansion: Int?
    public var fusionMethod: FusionMethod?
    public var boostBy: [Boost]?
    public var returnOnFailure: Bool?

    public init(maxNumResults: Int? = nil, matchThreshold: Double? = nil, retrievalType: RetrievalType? = nil,
                keywordMatchMode: KeywordMatchMode? = nil, filters: [String: JSONValue]? = nil,
                contextExpansion: Int? = nil, fusionMethod: FusionMethod? = nil, boostBy: [Boost]? = nil,
                returnOnFailure: Bool? = nil) {
        self.maxNumResults = maxNumResults
        self.matchThreshold = matchThreshold
        self.retrievalType = retrievalType
        self.keywordMatchMode = keywordMatchMode
        self.filters = filters
        self.contextExpansion = contextExpansion
        self.fusionMethod = fusionMethod
        self.boostBy = boostBy
        self.returnOnFailure = returnOnFailure
    }

    enum CodingKeys: String, CodingKey {
        case filters
        case maxNumResults = "max_num_results"
        case matchThreshold = "match_threshold"
        case retrievalType = "retrieval_type"
        case keywordMatchMode = "keyword_match_mode"
        case contextExpansion = "context_expansion"
        case fusionMethod = "fusion_method"
        case boostBy = "boost_by"
        case returnOnFailure = "return_on_failure"
    }
}

/// The answer of a search.
public struct SearchResult: Codable, Sendable, Hashable {
    public var chunks: [SearchChunk]
    /// `text`, `image` or `multimodal`.
    public var queryKind: String
    /// The query actually run (after rewriting), when the server says.
    public var searchQuery: String?
    /// Namespace-wide search: instances that failed, the others' chunks still come back.
    public var errors: [InstanceFailure]?

    public struct InstanceFailure: Codable, Sendable, Hashable {
        public var instanceID: String
        public var message: String
        public init(instanceID: String, message: String) {
            self.instanceID = instanceID
            self.message = message
        }
        enum CodingKeys: String, CodingKey {
            case message
            case instanceID = "instance_id"
        }
    }

    public init(chunks: [SearchChunk], queryKind: String = "text", searchQuery: String? = nil,
                errors: [InstanceFailure]? = nil) {
        self.chunks = chunks
        self.queryKind = queryKind
        self.searchQuery = searchQuery
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case chunks, errors
        case queryKind = "query_kind"
        case searchQuery = "search_query"
    }
}

/// One retrieved chunk.
public struct SearchChunk: Codable, Sendable, Hashable {
    public var id: String
    /// Namespace-wide search: the instance the chunk came from.
    public var instanceID: String?
    public var score: Double
    public var text: String
    public var type: String
    /// The item the chunk belongs to (`key`, `metadata`, `timestamp`).
    public var item: ItemChunk.ItemReference?
    public var scoringDetails: ScoringDetails?

    public init(id: String, instanceID: String? = nil, score: Double, text: String, type: String = "text",
                item: ItemChunk.ItemReference? = nil, scoringDetails: ScoringDetails? = nil) {
        self.id = id
        self.instanceID = instanceID
        self.score = score
        self.text = text
        self.type = type
        self.item = item
        self.scoringDetails = scoringDetails
    }

    /// The key of the item, when given.
    public var itemKey: String? { item?.key }

    enum CodingKeys: String, CodingKey {
        case id, score, text, type, item
        case instanceID = "instance_id"
        case scoringDetails = "scoring_details"
    }
}

/// How a chunk's score came about.
public struct ScoringDetails: Codable, Sendable, Hashable {
    public var keywordScore: Double?
    public var keywordRank: Double?
    public var vectorScore: Double?
    public var vectorRank: Double?
    public var rerankingScore: Double?
    /// `rrf` or `max`.
    public var fusionMethod: String?

    public init(keywordScore: Double? = nil, keywordRank: Double? = nil, vectorScore: Double? = nil,
                vectorRank: Double? = nil, rerankingScore: Double? = nil, fusionMethod: String? = nil) {
        self.keywordScore = keywordScore
        self.keywordRank = keywordRank
        self.vectorScore = vectorScore
        self.vectorRank = vectorRank
        self.rerankingScore = rerankingScore
        self.fusionMethod = fusionMethod
    }

    enum CodingKeys: String, CodingKey {
        case keywordScore = "keyword_score"
        case keywordRank = "keyword_rank"
        case vectorScore = "vector_score"
        case vectorRank = "vector_rank"
        case rerankingScore = "reranking_score"
        case fusionMethod = "fusion_method"
    }
}
