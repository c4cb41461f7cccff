/// The Cloudflare v4 answer envelope that wraps every JSON result.
public struct Envelope<Result: Codable & Sendable>: Codable, Sendable {
    public var success: Bool
    public var errors: [APIMessage]
    public var messages: [APIMessage]
    public var result: Result?
    public var resultInfo: ResultInfo?

    public init(success: Bool, errors: [APIMessage] = [], messages: [APIMessage] = [],
                result: Result?, resultInfo: ResultInfo? = nil) {
        self.success = success
        self.errors = errors
        self.messages = messages
        self.result = result
        self.resultInfo = resultInfo
    }

    enum CodingKeys: String, CodingKey {
        case success, errors, messages, result
        case resultInfo = "result_info"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        success = try container.decode(Bool.self, forKey: .success)
        errors = try container.decodeIfPresent([APIMessage].self, forKey: .errors) ?? []
        messages = try container.decodeIfPresent([APIMessage].self, forKey: .messages) ?? []
        result = try container.decodeIfPresent(Result.self, forKey: .result)
        resultInfo = try container.decodeIfPresent(ResultInfo.self, forKey: .resultInfo)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(success, forKey: .success)
        try container.encode(errors, forKey: .errors)
        try container.encode(messages, forKey: .messages)
        if let result { try container.encode(result, forKey: .result) } else { try container.encodeNil(forKey: .result) }
        try container.encodeIfPresent(resultInfo, forKey: .resultInfo)
    }
}

/// One entry of `errors` or `messages`: a Cloudflare code and its text.
public struct APIMessage: Codable, Hashable, Sendable {
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decodeIfPresent(Int.self, forKey: .code) ?? 0
        // Shown at terminals and in logs, never compared: no escape sequences get through.
        message = sanitizedServerText(try container.decodeIfPresent(String.self, forKey: .message) ?? "")
    }
}

/// Paging facts of a list answer.
public struct ResultInfo: Codable, Hashable, Sendable {
    public var count: Int?
    public var page: Int?
    public var perPage: Int?
    public var totalCount: Int?
    /// Cursor-paged listings (item logs) answer with a cursor instead of pages.
    public var cursor: String?

    public init(count: Int? = nil, page: Int? = nil, perPage: Int? = nil, totalCount: Int? = nil, cursor: String? = nil) {
        self.count = count
        self.page = page
        self.perPage = perPage
        self.totalCount = totalCount
        self.cursor = cursor
    }

    enum CodingKeys: String, CodingKey {
        case count, page, cursor
        case perPage = "per_page"
        case totalCount = "total_count"
    }
}
