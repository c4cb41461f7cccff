import AISearchAPI
import Foundation

/// Identifies an instance: ids are unique per namespace.
struct InstanceKey: Hashable, Sendable, Codable {
    var namespace: String
    var id: String
}

struct NamespaceRecord: Codable, Sendable {
    var name: String
    var description: String?
    var createdAt: Date
    /// Settings the emulator keeps but does not interpret (`public_endpoint_params`).
    var other: [String: JSONValue] = [:]
}

struct InstanceRecord: Codable, Sendable {
    var key: InstanceKey
    var createdAt: Date
    var modifiedAt: Date
    var lastActivity: Date?
    var settings: InstanceSettings

    /// An instance with `type` or `source` set syncs from outside; otherwise it is built-in
    /// storage fed only by uploads.
    var hasExternalSource: Bool {
        settings.type != nil || !(settings.source ?? "").isEmpty
    }

    /// `source_id` of items the instance's own source provides.
    var externalSourceID: String {
        let type = settings.type ?? ((settings.source ?? "").hasPrefix("http") ? "web-crawler" : "r2")
        return "\(type):\(settings.source ?? "")"
    }
}

/// When a queued item starts running and when it settles.
struct ProcessingSchedule: Codable, Sendable {
    var runsAt: Date
    var settlesAt: Date
}

struct ItemRecord: Codable, Sendable {
    var id: String
    var key: String
    var instance: InstanceKey
    var sourceID: String?
    var checksum: String
    var fileSize: Int64?
    /// Metadata as uploaded; answers show only the instance's declared fields of it.
    var uploadedMetadata: [String: JSONValue] = [:]
    var createdAt: Date
    var lastSeenAt: Date
    /// When the content last changed (`sort_by=modified_at`, built-in `timestamp`).
    var modifiedAt: Date
    var status: Item.Status
    var error: String?
    var chunksCount: Int?
    var schedule: ProcessingSchedule?
    var hasContent: Bool
    /// Deleted; listed with `next_action: "DELETE"` until its schedule settles.
    var pendingDelete = false
    var logs: [ItemLog] = []
}

struct JobRecord: Codable, Sendable {
    var job: Job
    var instance: InstanceKey
    var createdAt: Date
    /// When a running job ends by itself.
    var plannedEnd: Date
    var logs: [JobLog] = []
}

/// The whole persisted state (`state.json` under the data directory; contents are files beside it).
struct StoreSnapshot: Codable, Sendable {
    var version = 1
    var checksumSalt: String
    var namespaces: [NamespaceRecord]
    var instances: [InstanceRecord]
    var items: [ItemRecord]
    var jobs: [JobRecord]
}
