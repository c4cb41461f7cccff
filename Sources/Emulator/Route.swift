/// Where an API request goes: the resource, the path parameters and the methods it accepts.
/// Both path styles lead to the same resources; the legacy one
/// (`/accounts/{a}/ai-search/instances/…`) means namespace `default`.
///
/// `…/instances/{id}/search` and `…/namespaces/{name}/search` are routed; `…/chat/completions`
/// is not (404 `No route for that URI`): the emulator has no LLM.
struct Route: Sendable, Equatable {
    enum Resource: Sendable, Equatable {
        case namespaces, namespace
        case instances, instance, stats
        case items, item, itemLogs, itemChunks, itemDownload
        case jobs, job, jobLogs
        case search, namespaceSearch
    }

    var resource: Resource
    var account: String
    var namespace: String
    var isLegacyPath: Bool
    var instanceID = ""
    var itemID = ""
    var jobID = ""

    var instanceKey: InstanceKey { InstanceKey(namespace: namespace, id: instanceID) }

    static let prefix = "/client/v4"

    /// Nil for any path outside the API.
    init?(path: String) {
        guard path.hasPrefix(Self.prefix + "/") else { return nil }
        let segments = path.dropFirst(Self.prefix.count).split(separator: "/").map(String.init)
        guard segments.count >= 3, segments[0] == "accounts", segments[2] == "ai-search" else { return nil }
        account = segments[1]
        var rest = Array(segments.dropFirst(3))
        if rest.first == "namespaces" {
            isLegacyPath = false
            switch rest.count {
            case 1: namespace = "default"; resource = .namespaces; return
            case 2: namespace = rest[1]; resource = .namespace; return
            case 3 where rest[2] == "search": namespace = rest[1]; resource = .namespaceSearch; return
            default:
                guard rest[2] == "instances" else { return nil }
                namespace = rest[1]
                rest.removeFirst(2)
            }
        } else {
            guard rest.first == "instances" else { return nil }
            isLegacyPath = true
            namespace = "default"
        }
        // rest = ["instances", …]
        let tail = Array(rest.dropFirst())
        resource = .instances
        guard let id = tail.first else { return }
        instanceID = id
        switch tail.count {
        case 1: resource = .instance
        case 2 where tail[1] == "stats": resource = .stats
        case 2 where tail[1] == "search": resource = .search
        case 2 where tail[1] == "items": resource = .items
        case 2 where tail[1] == "jobs": resource = .jobs
        case 3 where tail[1] == "items": itemID = tail[2]; resource = .item
        case 3 where tail[1] == "jobs": jobID = tail[2]; resource = .job
        case 4 where tail[1] == "items" && tail[3] == "logs": itemID = tail[2]; resource = .itemLogs
        case 4 where tail[1] == "items" && tail[3] == "chunks": itemID = tail[2]; resource = .itemChunks
        case 4 where tail[1] == "items" && tail[3] == "download": itemID = tail[2]; resource = .itemDownload
        case 4 where tail[1] == "jobs" && tail[3] == "logs": jobID = tail[2]; resource = .jobLogs
        default: return nil
        }
    }

    var allowedMethods: [String] {
        switch resource {
        case .namespaces, .instances, .jobs: ["GET", "POST"]
        case .namespace, .instance: ["GET", "PUT", "DELETE"]
        case .items: ["GET", "POST", "PUT"]
        case .item: ["GET", "PATCH", "DELETE"]
        case .job: ["GET", "PATCH"]
        case .stats, .itemLogs, .itemChunks, .itemDownload, .jobLogs: ["GET"]
        case .search, .namespaceSearch: ["POST"]
        }
    }

    /// The path with its parameters named, for request counts.
    var template: String {
        let base = "/accounts/{account_id}/ai-search"
        let instances = isLegacyPath ? base + "/instances" : base + "/namespaces/{name}/instances"
        switch resource {
        case .namespaces: return base + "/namespaces"
        case .namespace: return base + "/namespaces/{name}"
        case .instances: return instances
        case .instance: return instances + "/{id}"
        case .stats: return instances + "/{id}/stats"
        case .items: return instances + "/{id}/items"
        case .item: return instances + "/{id}/items/{item_id}"
        case .itemLogs: return instances + "/{id}/items/{item_id}/logs"
        case .itemChunks: return instances + "/{id}/items/{item_id}/chunks"
        case .itemDownload: return instances + "/{id}/items/{item_id}/download"
        case .jobs: return instances + "/{id}/jobs"
        case .job: return instances + "/{id}/jobs/{job_id}"
        case .jobLogs: return instances + "/{id}/jobs/{job_id}/logs"
        case .search: return instances + "/{id}/search"
        case .namespaceSearch: return base + "/namespaces/{name}/search"
        }
    }
}
