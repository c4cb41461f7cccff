import AISearchAPI
import Foundation
import HTTPServer

/// Item endpoints: listing filters, multipart upload, create-or-update, sync, logs, chunks,
/// download; and the `wait_for_completion` hold.
extension EmulatorService {
    func items(_ request: HTTPRequest, route: Route) async throws(EmulatorError) -> HTTPResponse {
        let key = route.instanceKey
        switch (route.resource, request.method) {
        case (.items, "GET"):
            let page = try JSONAnswers.integer("page", in: request, default: 1, allowed: 1...Int.max)
            let perPage = try JSONAnswers.integer("per_page", in: request, default: 20, allowed: 1...50)
            let (items, total) = try await store.listItems(key, query: try Self.itemQuery(request), page: page, perPage: perPage,
                                                           skipping: await traffic.listingSkips())
            return JSONAnswers.success(items, info: ResultInfo(count: items.count, page: page, perPage: perPage, totalCount: total))
        case (.items, "POST"):
            return try await upload(request, key: key)
        case (.items, _):
            let body = try JSONAnswers.object(of: request)
            guard let itemKey = body["key"]?.stringValue else { throw .invalidRequest("key (a string) is required") }
            try Self.requireIndexAction(body)
            let waiting = try JSONAnswers.flag(body["wait_for_completion"])
            let queued = try await readingUpstream(key, .key(itemKey)) { () async throws(EmulatorError) in
                try await store.createOrUpdate(key, itemKey: itemKey, waiting: waiting)
            }
            return try await settled(queued, key: key, waiting: waiting)
        case (.itemLogs, _):
            let cursor = try JSONAnswers.integer("cursor", in: request, default: 0, allowed: 0...Int.max)
            let limit = try JSONAnswers.integer("limit", in: request, default: 20, allowed: 1...100)
            let (logs, next) = try await store.itemLogs(key, itemID: route.itemID, cursor: cursor, limit: limit)
            return JSONAnswers.success(logs, info: ResultInfo(count: logs.count, cursor: next))
        case (.itemChunks, _):
            let limit = try JSONAnswers.integer("limit", in: request, default: 20, allowed: 1...100)
            let offset = try JSONAnswers.integer("offset", in: request, default: 0, allowed: 0...Int.max)
            let chunks = try await store.itemChunks(key, itemID: route.itemID, limit: limit, offset: offset)
            return JSONAnswers.success(chunks, info: ResultInfo(count: chunks.count))
        case (.itemDownload, _):
            let bytes = try await store.download(key, itemID: route.itemID)
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: bytes)
        case (_, "GET"):
            return JSONAnswers.success(try await store.item(key, itemID: route.itemID))
        case (_, "PATCH"):
            let body = try JSONAnswers.object(of: request)
            try Self.requireIndexAction(body)
            let waiting = try JSONAnswers.flag(body["wait_for_completion"])
            let queued = try await readingUpstream(key, .item(route.itemID)) { () async throws(EmulatorError) in
                try await store.sync(key, itemID: route.itemID, waiting: waiting)
            }
            return try await settled(queued, key: key, waiting: waiting)
        default:
            return JSONAnswers.success(try await store.deleteItem(key, itemID: route.itemID))
        }
    }

    private func upload(_ request: HTTPRequest, key: InstanceKey) async throws(EmulatorError) -> HTTPResponse {
        let contentType = request.headers["Content-Type"] ?? ""
        guard contentType.lowercased().hasPrefix("multipart/form-data") else {
            throw .invalidRequest("an upload is multipart/form-data with a file part; got Content-Type \"\(contentType)\"")
        }
        // The file alone may be up to the limit; allow the form's own overhead on top.
        guard request.body.count <= configuration.maxUploadBytes + 64 * 1024 else {
            throw .payloadTooLarge(limit: configuration.maxUploadBytes)
        }
        let parts: [MultipartPart]
        do { parts = try MultipartFormData.parse(body: request.body, contentType: contentType) } catch {
            throw .invalidRequest("malformed multipart body: \(error)")
        }
        guard let file = parts.first(where: { $0.name == "file" }) else { throw .invalidRequest("the form has no file part") }
        guard let itemKey = file.filename, !itemKey.isEmpty else {
            throw .invalidRequest("the file part needs a filename; it is the item key")
        }
        var metadata: [String: JSONValue] = [:]
        if let part = parts.first(where: { $0.name == "metadata" }), !part.body.isEmpty {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(part.body)), let object = value.objectValue else {
                throw .invalidRequest("metadata must be a JSON object of key/value pairs")
            }
            for (field, value) in object {
                switch value {
                case .string, .int, .double, .bool: metadata[field] = value
                default: throw .invalidRequest("metadata field \(field) must be a string, number or boolean")
                }
            }
        }
        let waitPart = parts.first(where: { $0.name == "wait_for_completion" })
        let waiting = try JSONAnswers.flag(waitPart.map { .string(String(decoding: $0.body, as: UTF8.self)) })
        let queued = try await store.upload(key, itemKey: itemKey, content: file.body, metadata: metadata, waiting: waiting)
        return try await settled(queued, key: key, waiting: waiting)
    }

    /// Answers the item; with `wait_for_completion`, first holds until it settles or the wait
    /// timeout passes (then it answers the item still `running`).
    private func settled(_ queued: QueuedItem, key: InstanceKey, waiting: Bool) async throws(EmulatorError) -> HTTPResponse {
        guard waiting, let settlesAt = queued.settlesAt else { return JSONAnswers.success(queued.item) }
        let clock = configuration.clock
        let deadline = clock.now.addingTimeInterval(configuration.waitTimeout.timeInterval)
        try? await clock.sleep(until: min(settlesAt, deadline))
        return JSONAnswers.success(try await store.item(key, itemID: queued.item.id))
    }

    private static func requireIndexAction(_ body: [String: JSONValue]) throws(EmulatorError) {
        guard body["next_action"]?.stringValue == "INDEX" else { throw .invalidRequest("next_action must be \"INDEX\"") }
    }

    static func itemQuery(_ request: HTTPRequest) throws(EmulatorError) -> ItemQuery {
        var query = ItemQuery()
        query.key = request.queryValue("key").map(KeyBytes.init)
        query.itemID = request.queryValue("item_id")
        query.source = request.queryValue("source")
        query.search = request.queryValue("search").map(KeyBytes.init)
        if let status = request.queryValue("status") {
            guard let parsed = Item.Status(rawValue: status) else {
                throw .invalidRequest("status must be one of \(Item.Status.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.status = parsed
        }
        if let sort = request.queryValue("sort_by") {
            guard let parsed = ItemQuery.SortOrder(rawValue: sort) else { throw .invalidRequest("sort_by must be status or modified_at") }
            query.sortBy = parsed
        }
        if let filter = request.queryValue("metadata_filter") { query.metadataFilter = try MetadataFilter(json: filter) }
        return query
    }
}
