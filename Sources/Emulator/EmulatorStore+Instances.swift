import AISearchAPI
import Foundation

/// Namespaces and instances.
extension EmulatorStore {
    // MARK: Namespaces

    func listNamespaces(search: String?) -> [NamespaceRecordAnswer] {
        namespaces.values
            .filter { record in search.map { record.name.contains($0) } ?? true }
            .sorted { ($0.createdAt, $0.name) < ($1.createdAt, $1.name) }
            .map(NamespaceRecordAnswer.init)
    }

    func createNamespace(name: String, description: String?, other: [String: JSONValue]) throws(EmulatorError) -> NamespaceRecordAnswer {
        guard Self.isValidIdentifier(name) else {
            throw .invalidRequest("namespace name must be 1 to 64 lowercase letters, digits, '-' or '_'")
        }
        try Self.validateDescription(description)
        guard namespaces[name] == nil else { throw .conflict("Namespace \(name)") }
        let record = NamespaceRecord(name: name, description: description, createdAt: clock.now, other: other)
        namespaces[name] = record
        markDirty()
        return NamespaceRecordAnswer(record)
    }

    func namespace(_ name: String) throws(EmulatorError) -> NamespaceRecordAnswer {
        guard let record = namespaces[name] else { throw .notFound("/ai-search/namespaces/\(name)") }
        return NamespaceRecordAnswer(record)
    }

    func updateNamespace(_ name: String, description: String?, other: [String: JSONValue]) throws(EmulatorError) -> NamespaceRecordAnswer {
        guard var record = namespaces[name] else { throw .notFound("/ai-search/namespaces/\(name)") }
        try Self.validateDescription(description)
        if let description { record.description = description }
        record.other.merge(other) { $1 }
        namespaces[name] = record
        markDirty()
        return NamespaceRecordAnswer(record)
    }

    func deleteNamespace(_ name: String) throws(EmulatorError) -> NamespaceRecordAnswer {
        guard let record = namespaces[name] else { throw .notFound("/ai-search/namespaces/\(name)") }
        guard name != "default" else { throw .defaultNamespaceProtected }
        guard !instances.keys.contains(where: { $0.namespace == name }) else { throw .namespaceNotEmpty(name) }
        namespaces[name] = nil
        markDirty()
        return NamespaceRecordAnswer(record)
    }

    private static func validateDescription(_ description: String?) throws(EmulatorError) {
        if let description, description.count > 256 { throw .invalidRequest("description must be at most 256 characters") }
    }

    // MARK: Instances

    func listInstances(namespace: String, search: String?) throws(EmulatorError) -> [Instance] {
        guard namespaces[namespace] != nil else { throw .notFound("/ai-search/namespaces/\(namespace)") }
        return instances.values
            .filter { state in state.record.key.namespace == namespace && (search.map { state.record.key.id.contains($0) } ?? true) }
            .map(\.record)
            .sorted { ($0.createdAt, $0.key.id) < ($1.createdAt, $1.key.id) }
            .map(render)
    }

    func createInstance(_ key: InstanceKey, settings requested: InstanceSettings) throws(EmulatorError) -> Instance {
        guard namespaces[key.namespace] != nil else { throw .notFound("/ai-search/namespaces/\(key.namespace)") }
        guard Self.isValidIdentifier(key.id) else {
            throw .invalidRequest("instance id must be 1 to 64 lowercase letters, digits, '-' or '_'")
        }
        try Self.validate(requested)
        guard instances[key] == nil else { throw .conflict("Instance \(key.id) in namespace \(key.namespace)") }
        var settings = requested
        settings.chunkSize = settings.chunkSize ?? Self.defaultChunkSize
        settings.chunkOverlap = settings.chunkOverlap ?? Self.defaultChunkOverlap
        settings.indexMethod = settings.indexMethod ?? ["keyword": .bool(true), "vector": .bool(true)]
        settings.paused = settings.paused ?? false
        settings.enable = settings.enable ?? true
        settings.fusionMethod = settings.fusionMethod ?? "rrf"
        settings.syncInterval = settings.syncInterval ?? 21600
        // Fields the SDK's list model requires; values are the service's documented defaults.
        settings.other.merge(Self.defaultOtherSettings) { requested, _ in requested }
        let now = clock.now
        let record = InstanceRecord(key: key, createdAt: now, modifiedAt: now, settings: settings)
        instances[key] = InstanceState(record: record, index: self.settings.makeIndex())
        if let bucket = record.r2Bucket { sourceBuckets.createBucket(bucket, at: now) }
        markDirty()
        return render(record)
    }

    func instance(_ key: InstanceKey) throws(EmulatorError) -> Instance {
        render(try existing(key).record)
    }

    /// Merges the given settings over the current ones (absent fields stay as they were).
    func updateInstance(_ key: InstanceKey, settings update: InstanceSettings) throws(EmulatorError) -> Instance {
        var record = try existing(key).record
        try Self.validate(update)
        // Absent fields are absent from the encoding, so a merge of the two objects keeps them.
        guard let current = try? JSONValue.decoded(from: record.settings)?.objectValue,
              let changes = try? JSONValue.decoded(from: update)?.objectValue,
              let settings = try? JSONDecoder().decode(InstanceSettings.self, from: JSONEncoder().encode(current.merging(changes) { $1 }))
        else { throw .internalError }
        record.settings = settings
        record.modifiedAt = clock.now
        instances[key]?.record = record
        markDirty()
        return render(record)
    }

    /// Removes the instance with its items, contents and jobs; answers it as it was.
    func deleteInstance(_ key: InstanceKey) throws(EmulatorError) -> Instance {
        let state = try existing(key)
        for id in state.items.keys {
            contents[id] = nil
            persistence?.removeContent(itemID: id)
        }
        instances[key] = nil
        markDirty()
        return render(state.record)
    }

    func stats(_ key: InstanceKey) throws(EmulatorError) -> InstanceStats {
        let state = try existing(key)
        var counts: [Item.Status: Int] = [:]
        for item in state.items.values { counts[item.status, default: 0] += 1 }
        let payload = state.items.values.reduce(Int64(0)) { $0 + ($1.fileSize ?? 0) }
        let vectors = state.items.values.reduce(0) { $0 + ($1.chunksCount ?? 0) }
        return InstanceStats(
            queued: counts[.queued] ?? 0, running: counts[.running] ?? 0, completed: counts[.completed] ?? 0,
            error: counts[.error] ?? 0, skipped: counts[.skipped] ?? 0, outdated: counts[.outdated] ?? 0,
            lastActivity: state.record.lastActivity.map(Timestamp.iso8601),
            engine: [
                "r2": .object(["objectCount": .int(Int64(bucketObjectCount(state.record) ?? state.items.values.filter(\.hasContent).count)),
                               "payloadSizeBytes": .int(payload), "metadataSizeBytes": .int(0)]),
                "vectorize": .object(["dimensions": .int(768), "vectorsCount": .int(Int64(vectors))]),
            ])
    }

    func render(_ record: InstanceRecord) -> Instance {
        Instance(id: record.key.id, createdAt: Timestamp.iso8601(record.createdAt),
                 modifiedAt: Timestamp.iso8601(record.modifiedAt), namespace: record.key.namespace,
                 status: "active", lastActivity: record.lastActivity.map(Timestamp.iso8601), settings: record.settings)
    }

    static let allowedSyncIntervals = [900, 1800, 3600, 7200, 14400, 21600, 43200, 86400]

    /// Settings every instance answer carries (the SDK's `InstanceListResponse` requires them).
    static let defaultOtherSettings: [String: JSONValue] = [
        "cache": .bool(true), "cache_threshold": .string("close_enough"), "cache_ttl": .int(86400),
        "chunk": .bool(true), "engine_version": .int(3), "hybrid_search_enabled": .bool(true),
        "reranking": .bool(false), "rewrite_query": .bool(false), "summarization": .bool(false),
    ]

    private static func validate(_ settings: InstanceSettings) throws(EmulatorError) {
        if let type = settings.type, type != "r2", type != "web-crawler" {
            throw .invalidRequest("type must be \"r2\" or \"web-crawler\"")
        }
        if let fields = settings.customMetadata {
            if fields.count > 5 { throw .invalidRequest("custom_metadata declares at most 5 fields") }
            if Set(fields.map(\.fieldName)).count != fields.count {
                throw .invalidRequest("custom_metadata field names must be unique")
            }
        }
        if let size = settings.chunkSize, size < 1 { throw .invalidRequest("chunk_size must be positive") }
        if let overlap = settings.chunkOverlap, overlap < 0 { throw .invalidRequest("chunk_overlap must not be negative") }
        if let interval = settings.syncInterval, !allowedSyncIntervals.contains(interval) {
            throw .invalidRequest("sync_interval must be one of \(allowedSyncIntervals.map(String.init).joined(separator: ", ")) seconds")
        }
        try validatePathFilter(settings.other["source_params"])
    }

    /// `source_params.include_items`/`exclude_items`: lists of at most 10 non-empty strings (the
    /// documented limit for most accounts).
    private static func validatePathFilter(_ sourceParams: JSONValue?) throws(EmulatorError) {
        for name in ["include_items", "exclude_items"] {
            guard let value = sourceParams?.objectValue?[name] else { continue }
            guard case .array(let patterns) = value, patterns.allSatisfy({ !($0.stringValue ?? "").isEmpty }) else {
                throw .invalidRequest("source_params.\(name) must be a list of glob strings, e.g. [\"docs/**\"]")
            }
            if patterns.count > 10 { throw .invalidRequest("source_params.\(name) takes at most 10 patterns, not \(patterns.count)") }
        }
    }
}

/// A namespace answer: the typed fields plus the settings the emulator keeps verbatim.
struct NamespaceRecordAnswer: Codable, Sendable {
    var namespace: Namespace
    var other: [String: JSONValue]

    init(_ record: NamespaceRecord) {
        namespace = Namespace(name: record.name, description: record.description,
                              createdAt: Timestamp.iso8601(record.createdAt))
        other = record.other
    }

    init(from decoder: any Decoder) throws {
        namespace = try Namespace(from: decoder)
        other = try decoder.singleValueContainer().decode([String: JSONValue].self)
            .filter { !["name", "description", "created_at"].contains($0.key) }
    }

    func encode(to encoder: any Encoder) throws {
        try namespace.encode(to: encoder)
        var container = encoder.container(keyedBy: AnyKey.self)
        for (key, value) in other.sorted(by: { $0.key < $1.key }) { try container.encode(value, forKey: AnyKey(key)) }
    }
}

extension JSONValue {
    /// `value` as a JSON tree.
    static func decoded<T: Encodable>(from value: T) throws -> JSONValue? {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }
}

/// A coding key made at run time.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
