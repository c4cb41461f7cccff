/// A custom metadata field an instance declares (at most 5).
public struct CustomMetadataField: Codable, Hashable, Sendable {
    public enum DataType: String, Codable, Hashable, Sendable { case text, number, boolean, datetime }
    public var fieldName: String
    public var dataType: DataType

    public init(fieldName: String, dataType: DataType) {
        self.fieldName = fieldName
        self.dataType = dataType
    }

    enum CodingKeys: String, CodingKey {
        case fieldName = "field_name"
        case dataType = "data_type"
    }
}

/// The settings of an instance: the body of create and update, and part of every instance answer.
/// Fields the API has that this type does not name are kept in `other`, so an update sends back
/// what it was given.
public struct InstanceSettings: Codable, Hashable, Sendable {
    public var type: String?
    public var source: String?
    public var tokenID: String?
    public var chunkSize: Int?
    public var chunkOverlap: Int?
    public var customMetadata: [CustomMetadataField]?
    public var embeddingModel: String?
    public var indexMethod: [String: JSONValue]?
    public var maxNumResults: Int?
    public var fusionMethod: String?
    public var syncInterval: Int?
    public var paused: Bool?
    public var enable: Bool?
    /// Any other settings, verbatim.
    public var other: [String: JSONValue]

    public init(type: String? = nil, source: String? = nil, tokenID: String? = nil, chunkSize: Int? = nil,
                chunkOverlap: Int? = nil, customMetadata: [CustomMetadataField]? = nil, embeddingModel: String? = nil,
                indexMethod: [String: JSONValue]? = nil, maxNumResults: Int? = nil, fusionMethod: String? = nil,
                syncInterval: Int? = nil, paused: Bool? = nil, enable: Bool? = nil, other: [String: JSONValue] = [:]) {
        self.type = type
        self.source = source
        self.tokenID = tokenID
        self.chunkSize = chunkSize
        self.chunkOverlap = chunkOverlap
        self.customMetadata = customMetadata
        self.embeddingModel = embeddingModel
        self.indexMethod = indexMethod
        self.maxNumResults = maxNumResults
        self.fusionMethod = fusionMethod
        self.syncInterval = syncInterval
        self.paused = paused
        self.enable = enable
        self.other = other
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, source, paused, enable
        case tokenID = "token_id"
        case chunkSize = "chunk_size"
        case chunkOverlap = "chunk_overlap"
        case customMetadata = "custom_metadata"
        case embeddingModel = "embedding_model"
        case indexMethod = "index_method"
        case maxNumResults = "max_num_results"
        case fusionMethod = "fusion_method"
        case syncInterval = "sync_interval"
    }

    /// Keys an `Instance` decodes itself; they never land in `other`.
    static let instanceOwnKeys: Set<String> = ["id", "created_at", "modified_at", "namespace", "status", "last_activity"]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        source = try container.decodeIfPresent(String.self, forKey: .source)
        tokenID = try container.decodeIfPresent(String.self, forKey: .tokenID)
        chunkSize = try container.decodeIfPresent(Int.self, forKey: .chunkSize)
        chunkOverlap = try container.decodeIfPresent(Int.self, forKey: .chunkOverlap)
        customMetadata = try container.decodeIfPresent([CustomMetadataField].self, forKey: .customMetadata)
        embeddingModel = try container.decodeIfPresent(String.self, forKey: .embeddingModel)
        indexMethod = try container.decodeIfPresent([String: JSONValue].self, forKey: .indexMethod)
        maxNumResults = try container.decodeIfPresent(Int.self, forKey: .maxNumResults)
        fusionMethod = try container.decodeIfPresent(String.self, forKey: .fusionMethod)
        syncInterval = try container.decodeIfPresent(Int.self, forKey: .syncInterval)
        paused = try container.decodeIfPresent(Bool.self, forKey: .paused)
        enable = try container.decodeIfPresent(Bool.self, forKey: .enable)
        let known = Set(CodingKeys.allCases.map(\.rawValue)).union(Self.instanceOwnKeys)
        let everything = try decoder.singleValueContainer().decode([String: JSONValue].self)
        other = everything.filter { !known.contains($0.key) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(type, forKey: .type)
        try container.encodeIfPresent(source, forKey: .source)
        try container.encodeIfPresent(tokenID, forKey: .tokenID)
        try container.encodeIfPresent(chunkSize, forKey: .chunkSize)
        try container.encodeIfPresent(chunkOverlap, forKey: .chunkOverlap)
        try container.encodeIfPresent(customMetadata, forKey: .customMetadata)
        try container.encodeIfPresent(embeddingModel, forKey: .embeddingModel)
        try container.encodeIfPresent(indexMethod, forKey: .indexMethod)
        try container.encodeIfPresent(maxNumResults, forKey: .maxNumResults)
        try container.encodeIfPresent(fusionMethod, forKey: .fusionMethod)
        try container.encodeIfPresent(syncInterval, forKey: .syncInterval)
        try container.encodeIfPresent(paused, forKey: .paused)
        try container.encodeIfPresent(enable, forKey: .enable)
        var extra = encoder.container(keyedBy: DynamicKey.self)
        for (key, value) in other.sorted(by: { $0.key < $1.key }) {
            try extra.encode(value, forKey: DynamicKey(key))
        }
    }
}

/// An AI Search instance.
public struct Instance: Codable, Hashable, Sendable {
    public var id: String
    public var createdAt: String
    public var modifiedAt: String
    public var namespace: String?
    public var status: String?
    public var lastActivity: String?
    public var settings: InstanceSettings

    public init(id: String, createdAt: String, modifiedAt: String, namespace: String? = nil,
                status: String? = nil, lastActivity: String? = nil, settings: InstanceSettings = InstanceSettings()) {
        self.id = id
        self.createdAt = createdAt
        self.modifiedAt = modifiedAt
        self.namespace = namespace
        self.status = status
        self.lastActivity = lastActivity
        self.settings = settings
    }

    enum CodingKeys: String, CodingKey {
        case id, namespace, status
        case createdAt = "created_at"
        case modifiedAt = "modified_at"
        case lastActivity = "last_activity"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt) ?? ""
        modifiedAt = try container.decodeIfPresent(String.self, forKey: .modifiedAt) ?? ""
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        lastActivity = try container.decodeIfPresent(String.self, forKey: .lastActivity)
        settings = try InstanceSettings(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(modifiedAt, forKey: .modifiedAt)
        try container.encodeIfPresent(namespace, forKey: .namespace)
        try container.encodeIfPresent(status, forKey: .status)
        try container.encodeIfPresent(lastActivity, forKey: .lastActivity)
        try settings.encode(to: encoder)
    }
}

/// The answer of `GET …/instances/{id}/stats`.
public struct InstanceStats: Codable, Hashable, Sendable {
    public var queued: Int?
    public var running: Int?
    public var completed: Int?
    public var error: Int?
    public var skipped: Int?
    public var outdated: Int?
    public var lastActivity: String?
    public var degraded: Bool?
    public var fileEmbedErrors: [String: JSONValue]?
    public var indexSourceErrors: [String: JSONValue]?
    public var engine: [String: JSONValue]?

    public init(queued: Int? = nil, running: Int? = nil, completed: Int? = nil, error: Int? = nil,
                skipped: Int? = nil, outdated: Int? = nil, lastActivity: String? = nil, degraded: Bool? = nil,
                fileEmbedErrors: [String: JSONValue]? = nil, indexSourceErrors: [String: JSONValue]? = nil,
                engine: [String: JSONValue]? = nil) {
        self.queued = queued
        self.running = running
        self.completed = completed
        self.error = error
        self.skipped = skipped
        self.outdated = outdated
        self.lastActivity = lastActivity
        self.degraded = degraded
        self.fileEmbedErrors = fileEmbedErrors
        self.indexSourceErrors = indexSourceErrors
        self.engine = engine
    }

    enum CodingKeys: String, CodingKey {
        case queued, running, completed, error, skipped, outdated, degraded, engine
        case lastActivity = "last_activity"
        case fileEmbedErrors = "file_embed_errors"
        case indexSourceErrors = "index_source_errors"
    }
}

/// A namespace (`default` always exists).
public struct Namespace: Codable, Hashable, Sendable {
    public var name: String
    public var description: String?
    public var createdAt: String?

    public init(name: String, description: String? = nil, createdAt: String? = nil) {
        self.name = name
        self.description = description
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case name, description
        case createdAt = "created_at"
    }
}

/// A coding key made at run time, for the open-ended parts of a JSON object.
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
