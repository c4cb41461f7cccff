/// A sync job of an instance with an external source.
public struct Job: Codable, Hashable, Sendable {
    public enum Source: String, Codable, Hashable, Sendable { case user, schedule }

    public var id: String
    public var source: Source
    public var description: String?
    public var startedAt: String?
    public var endedAt: String?
    public var endReason: String?
    public var lastSeenAt: String?

    public init(id: String, source: Source, description: String? = nil, startedAt: String? = nil,
                endedAt: String? = nil, endReason: String? = nil, lastSeenAt: String? = nil) {
        self.id = id
        self.source = source
        self.description = description
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.endReason = endReason
        self.lastSeenAt = lastSeenAt
    }

    /// A job is running until it has an end time.
    public var isRunning: Bool { endedAt == nil }

    enum CodingKeys: String, CodingKey {
        case id, source, description
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case endReason = "end_reason"
        case lastSeenAt = "last_seen_at"
    }
}

/// One entry of `GET …/jobs/{job_id}/logs`.
public struct JobLog: Codable, Hashable, Sendable {
    public var id: Int
    /// Seconds since the epoch (the API answers a number here).
    public var createdAt: Double
    public var message: String
    public var messageType: Int

    public init(id: Int, createdAt: Double, message: String, messageType: Int) {
        self.id = id
        self.createdAt = createdAt
        self.message = message
        self.messageType = messageType
    }

    enum CodingKeys: String, CodingKey {
        case id, message
        case createdAt = "created_at"
        case messageType = "message_type"
    }
}
