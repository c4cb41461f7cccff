/// An item: one file of an instance (`GET …/items`, upload, get, sync answers).
public struct Item: Codable, Hashable, Sendable {
    /// Indexing status as the server reports it.
    public enum Status: String, Codable, Hashable, Sendable, CaseIterable {
        case queued, running, completed, error, skipped, outdated
    }

    public enum NextAction: String, Codable, Hashable, Sendable {
        case index = "INDEX"
        case delete = "DELETE"
    }

    public var id: String
    public var key: String
    /// Server-defined; the algorithm is undocumented (see ai-search-api.md).
    public var checksum: String
    public var chunksCount: Int?
    public var createdAt: String
    public var lastSeenAt: String
    public var fileSize: Int64?
    public var metadata: [String: JSONValue]?
    public var namespace: String
    public var nextAction: NextAction?
    /// `builtin` for uploaded files, `{type}:{source}` for external sources, nil for legacy items.
    public var sourceID: String?
    public var status: Status
    public var error: String?

    public init(id: String, key: String, checksum: String, chunksCount: Int? = nil, createdAt: String,
                lastSeenAt: String, fileSize: Int64? = nil, metadata: [String: JSONValue]? = nil,
                namespace: String, nextAction: NextAction? = nil, sourceID: String? = "builtin",
                status: Status, error: String? = nil) {
        self.id = id
        self.key = key
        self.checksum = checksum
        self.chunksCount = chunksCount
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.fileSize = fileSize
        self.metadata = metadata
        self.namespace = namespace
        self.nextAction = nextAction
        self.sourceID = sourceID
        self.status = status
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case id, key, checksum, metadata, namespace, status, error
        case chunksCount = "chunks_count"
        case createdAt = "created_at"
        case lastSeenAt = "last_seen_at"
        case fileSize = "file_size"
        case nextAction = "next_action"
        case sourceID = "source_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        key = try container.decode(String.self, forKey: .key)
        checksum = try container.decodeIfPresent(String.self, forKey: .checksum) ?? ""
        chunksCount = try container.decodeIfPresent(Int.self, forKey: .chunksCount)
        createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt) ?? ""
        lastSeenAt = try container.decodeIfPresent(String.self, forKey: .lastSeenAt) ?? ""
        // The SDK types file_size as a float; accept either form.
        fileSize = try container.decodeIfPresent(JSONValue.self, forKey: .fileSize)?.intValue
        metadata = try container.decodeIfPresent([String: JSONValue].self, forKey: .metadata)
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace) ?? ""
        nextAction = try container.decodeIfPresent(NextAction.self, forKey: .nextAction)
        sourceID = try container.decodeIfPresent(String.self, forKey: .sourceID)
        status = try container.decode(Status.self, forKey: .status)
        // The service's words about a failure: shown, never compared, so made terminal-safe.
        error = try container.decodeIfPresent(String.self, forKey: .error).map(sanitizedServerText)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(key, forKey: .key)
        try container.encode(checksum, forKey: .checksum)
        try container.encode(chunksCount, forKey: .chunksCount)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(lastSeenAt, forKey: .lastSeenAt)
        try container.encode(fileSize, forKey: .fileSize)
        try container.encodeIfPresent(metadata, forKey: .metadata)
        try container.encode(namespace, forKey: .namespace)
        try container.encode(nextAction, forKey: .nextAction)
        try container.encode(sourceID, forKey: .sourceID)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(error, forKey: .error)
    }
}

/// The answer of `DELETE …/items/{item_id}`.
public struct DeletedItem: Codable, Hashable, Sendable {
    public var key: String
    public init(key: String) { self.key = key }
}

/// One entry of `GET …/items/{item_id}/logs`. The API spells these keys in camelCase.
public struct ItemLog: Codable, Hashable, Sendable {
    public var action: String
    public var chunkCount: Int?
    public var errorType: String?
    public var fileKey: String
    public var message: String?
    public var processingTimeMs: Int?
    public var timestamp: String

    public init(action: String, chunkCount: Int? = nil, errorType: String? = nil, fileKey: String,
                message: String? = nil, processingTimeMs: Int? = nil, timestamp: String) {
        self.action = action
        self.chunkCount = chunkCount
        self.errorType = errorType
        self.fileKey = fileKey
        self.message = message
        self.processingTimeMs = processingTimeMs
        self.timestamp = timestamp
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        action = try container.decode(String.self, forKey: .action)
        chunkCount = try container.decodeIfPresent(Int.self, forKey: .chunkCount)
        errorType = try container.decodeIfPresent(String.self, forKey: .errorType).map(sanitizedServerText)
        fileKey = try container.decode(String.self, forKey: .fileKey)
        // The service's words, shown by `items logs`: made terminal-safe like every server message.
        message = try container.decodeIfPresent(String.self, forKey: .message).map(sanitizedServerText)
        processingTimeMs = try container.decodeIfPresent(Int.self, forKey: .processingTimeMs)
        timestamp = try container.decode(String.self, forKey: .timestamp)
    }
}

/// One entry of `GET …/items/{item_id}/chunks`.
public struct ItemChunk: Codable, Hashable, Sendable {
    public struct ItemReference: Codable, Hashable, Sendable {
        public var key: String
        public var metadata: [String: JSONValue]?
        /// Seconds since the epoch.
        public var timestamp: Double?
        public init(key: String, metadata: [String: JSONValue]? = nil, timestamp: Double? = nil) {
            self.key = key
            self.metadata = metadata
            self.timestamp = timestamp
        }
    }

    public var id: String
    public var text: String
    public var startByte: Int?
    public var endByte: Int?
    public var item: ItemReference

    public init(id: String, text: String, startByte: Int? = nil, endByte: Int? = nil, item: ItemReference) {
        self.id = id
        self.text = text
        self.startByte = startByte
        self.endByte = endByte
        self.item = item
    }

    enum CodingKeys: String, CodingKey {
        case id, text, item
        case startByte = "start_byte"
        case endByte = "end_byte"
    }
}
