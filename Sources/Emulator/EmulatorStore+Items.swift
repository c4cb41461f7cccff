import Hashing
import AISearchAPI
import Foundation

/// What a listing asks for, already validated.
struct ItemQuery: Sendable {
    enum SortOrder: String, Sendable { case status, modifiedAt = "modified_at" }
    var key: KeyBytes?
    var itemID: String?
    var source: String?
    var status: Item.Status?
    var search: KeyBytes?
    var sortBy: SortOrder = .status
    var metadataFilter: MetadataFilter?
}

/// An item answer and, while it is being processed, when it will settle.
struct QueuedItem: Sendable {
    var item: Item
    var settlesAt: Date?
}

/// Items: upload, create-or-update, sync, delete, listings, logs, chunks, contents; processing.
extension EmulatorStore {
    /// One page of the matching items, and how many match in all. Only the page is rendered: a
    /// listing of N items in pages of 50 would otherwise render N²/50 items.
    /// - Parameter skipping: the listing-skip fault: each item is left out with `rate`, drawn from
    ///   `seed`; the page still starts at its offset and fills up from the items after it.
    func listItems(_ key: InstanceKey, query: ItemQuery, page: Int, perPage: Int,
                   skipping: (rate: Double, seed: UInt64)? = nil) throws(EmulatorError) -> (items: [Item], total: Int) {
        let state = try existing(key)
        let ordered: [String]
        let unfiltered = query.key == nil && query.itemID == nil && query.source == nil && query.status == nil
            && query.search == nil && query.metadataFilter == nil
        if unfiltered, let cached = listingOrders[key], cached.version == state.version, cached.sortBy == query.sortBy {
            // A client paging through the whole listing asks for the same order once per page.
            ordered = cached.ids
        } else {
            ordered = Self.orderedIDs(state, query: query)
            if unfiltered { listingOrders[key] = ListingOrder(version: state.version, sortBy: query.sortBy, ids: ordered) }
        }
        let total = ordered.count
        var visible = ordered
        if let skipping {
            var generator = SeededGenerator(seed: skipping.seed)
            visible = ordered.filter { _ in generator.nextUnit() >= skipping.rate }
        }
        let (start, overflow) = (page - 1).multipliedReportingOverflow(by: perPage)
        let lower = overflow ? visible.count : min(visible.count, start)
        let upper = min(visible.count, lower + perPage)
        return (visible[lower..<upper].compactMap { state.items[$0] }.map { render($0, in: state) }, total)
    }

    func listItems(_ key: InstanceKey, query: ItemQuery) throws(EmulatorError) -> [Item] {
        let state = try existing(key)
        return Self.orderedIDs(state, query: query).compactMap { state.items[$0] }.map { render($0, in: state) }
    }

    /// The matching items in the API's order. Sorted as small keys, not as whole records: a
    /// listing asks for this once per page.
    private static func orderedIDs(_ state: InstanceState, query: ItemQuery) -> [String] {
        struct SortKey {
            var rank: Int
            var time: Date
            var key: KeyBytes
            var id: String
        }
        var keys: [SortKey] = []
        keys.reserveCapacity(state.items.count)
        for item in state.items.values {
            let itemKey = KeyBytes(item.key)
            guard (query.key.map { $0 == itemKey } ?? true)
                && (query.itemID.map { $0 == item.id } ?? true)
                && (query.source.map { $0 == item.sourceID } ?? true)
                && (query.status.map { $0 == item.status } ?? true)
                && (query.search.map { itemKey.contains($0) } ?? true)
                && (query.metadataFilter.map { $0.matches(metadata(of: item, in: state.record)) } ?? true)
            else { continue }
            switch query.sortBy {
            case .status: keys.append(SortKey(rank: statusRank(item.status), time: item.lastSeenAt, key: itemKey, id: item.id))
            case .modifiedAt: keys.append(SortKey(rank: 0, time: item.modifiedAt, key: itemKey, id: item.id))
            }
        }
        keys.sort { a, b in
            if a.rank != b.rank { return a.rank < b.rank }
            if a.time != b.time { return a.time > b.time }
            return (a.key, a.id) < (b.key, b.id)
        }
        return keys.map(\.id)
    }

    private static func statusRank(_ status: Item.Status) -> Int {
        switch status {
        case .running: 0
        case .queued: 1
        case .error: 2
        case .outdated: 3
        case .skipped: 4
        case .completed: 5
        }
    }

    /// A multipart upload: creates the item or replaces the content of the item with that key.
    func upload(_ key: InstanceKey, itemKey: String, content: [UInt8], metadata: [String: JSONValue],
                waiting: Bool) throws(EmulatorError) -> QueuedItem {
        try Self.validateItemKey(itemKey)
        guard content.count <= settings.maxUploadBytes else { throw .payloadTooLarge(limit: settings.maxUploadBytes) }
        // Mutated in place below: a copy of the instance's state would copy its item table on
        // the first write, making N uploads cost N².
        _ = try existing(key)
        let now = clock.now
        let lookup = Self.lookupKey(source: "builtin", key: itemKey)
        let id = instances[key]!.idByKey[lookup] ?? UUID().uuidString.lowercased()
        var item = instances[key]!.items[id] ?? ItemRecord(
            id: id, key: itemKey, instance: key, sourceID: "builtin", checksum: "", createdAt: now, lastSeenAt: now,
            modifiedAt: now, status: .queued, hasContent: true)
        item.checksum = checksum(of: content)
        item.fileSize = Int64(content.count)
        item.uploadedMetadata = metadata
        item.modifiedAt = now
        item.hasContent = true
        contents[id] = content
        do { try persistence?.writeContent(itemID: id, bytes: content) } catch {
            throw .internalError
        }
        instances[key]!.items[id] = item
        instances[key]!.idByKey[lookup] = id
        return enqueue(key, itemID: id, waiting: waiting, message: "Uploaded \(content.count) bytes; queued for indexing")
    }

    /// `PUT …/items`: re-queue by key; on an external-source instance also create.
    func createOrUpdate(_ key: InstanceKey, itemKey: String, waiting: Bool) throws(EmulatorError) -> QueuedItem {
        try Self.validateItemKey(itemKey)
        var state = try existing(key)
        if !state.record.hasExternalSource {
            guard let id = state.idByKey[Self.lookupKey(source: "builtin", key: itemKey)] else {
                throw .notFound("/ai-search/namespaces/\(key.namespace)/instances/\(key.id)/items?key=\(itemKey)")
            }
            return enqueue(key, itemID: id, waiting: waiting, message: "Queued for indexing")
        }
        if let bucket = state.record.r2Bucket { return try indexFromBucket(key, bucket: bucket, itemKey: itemKey, waiting: waiting) }
        let source = state.record.externalSourceID
        let lookup = Self.lookupKey(source: source, key: itemKey)
        if state.idByKey[lookup] == nil {
            let now = clock.now
            let id = UUID().uuidString.lowercased()
            state.items[id] = ItemRecord(
                id: id, key: itemKey, instance: key, sourceID: source, checksum: checksum(of: Array("\(source)/\(itemKey)".utf8)),
                uploadedMetadata: [:], createdAt: now, lastSeenAt: now, modifiedAt: now, status: .queued, hasContent: false)
            state.idByKey[lookup] = id
            instances[key] = state
        }
        return enqueue(key, itemID: state.idByKey[lookup]!, waiting: waiting, message: "Queued for indexing from \(source)")
    }

    /// `PATCH …/items/{id}`: index the item again.
    func sync(_ key: InstanceKey, itemID: String, waiting: Bool) throws(EmulatorError) -> QueuedItem {
        _ = try existingItem(key, itemID)
        if let bucket = instances[key]?.record.r2Bucket { return try syncFromBucket(key, bucket: bucket, itemID: itemID, waiting: waiting) }
        return enqueue(key, itemID: itemID, waiting: waiting, message: "Sync requested; queued for indexing")
    }

    func item(_ key: InstanceKey, itemID: String) throws(EmulatorError) -> Item {
        let state = try existing(key)
        return render(try existingItem(key, itemID), in: state)
    }

    /// The item as it is now, plus its settle time if it is still pending.
    func queuedItem(_ key: InstanceKey, itemID: String) throws(EmulatorError) -> QueuedItem {
        let state = try existing(key)
        let record = try existingItem(key, itemID)
        return QueuedItem(item: render(record, in: state), settlesAt: record.schedule?.settlesAt)
    }

    func deleteItem(_ key: InstanceKey, itemID: String) throws(EmulatorError) -> DeletedItem {
        var record = try existingItem(key, itemID)
        let now = clock.now
        let delay = settings.processingDelay.timeInterval
        record.schedule = ProcessingSchedule(runsAt: now, settlesAt: now.addingTimeInterval(delay))
        record.pendingDelete = true
        record.hasContent = false
        record.logs.append(ItemLog(action: "delete", fileKey: record.key, message: "Deleted; removing indexed data",
                                   timestamp: Timestamp.iso8601(now)))
        instances[key]?.items[itemID] = record
        instances[key]?.pending.insert(itemID)
        instances[key]?.index.remove(itemID: itemID)
        contents[itemID] = nil
        persistence?.removeContent(itemID: itemID)
        refresh(key)
        markDirty()
        return DeletedItem(key: record.key)
    }

    /// Newest first; `cursor` is the offset the previous page handed out.
    func itemLogs(_ key: InstanceKey, itemID: String, cursor: Int, limit: Int) throws(EmulatorError) -> (logs: [ItemLog], next: String?) {
        let logs = Array(try existingItem(key, itemID).logs.reversed())
        guard cursor < logs.count else { return ([], nil) }
        let end = min(logs.count, cursor + limit)
        return (Array(logs[cursor..<end]), end < logs.count ? String(end) : nil)
    }

    func itemChunks(_ key: InstanceKey, itemID: String, limit: Int, offset: Int) throws(EmulatorError) -> [ItemChunk] {
        let state = try existing(key)
        _ = try existingItem(key, itemID)
        return Array(state.index.chunks(itemID: itemID).dropFirst(offset).prefix(limit))
    }

    func download(_ key: InstanceKey, itemID: String) throws(EmulatorError) -> [UInt8] {
        let record = try existingItem(key, itemID)
        guard record.hasContent, let bytes = contents[itemID] else {
            throw .notFound("/ai-search/namespaces/\(key.namespace)/instances/\(key.id)/items/\(itemID)/download")
        }
        return bytes
    }

    // MARK: Processing

    /// Moves the instance's due items and jobs on to where the clock says they are.
    func refresh(_ key: InstanceKey) {
        // Taken out while it changes, so the item table is not copied (see `upload`).
        guard var state = instances.removeValue(forKey: key) else { return }
        let now = clock.now
        var changed = false
        for id in state.pending.sorted() {
            guard var item = state.items[id], let schedule = item.schedule else { state.pending.remove(id); continue }
            if now >= schedule.settlesAt {
                state.pending.remove(id)
                changed = true
                if item.pendingDelete {
                    state.items[id] = nil
                    state.idByKey[Self.lookupKey(source: item.sourceID, key: item.key)] = nil
                    continue
                }
                settle(&item, in: &state, at: schedule.settlesAt)
                state.items[id] = item
            } else if now >= schedule.runsAt, item.status == .queued {
                item.status = .running
                state.items[id] = item
                changed = true
            }
        }
        changed = refreshJobs(&state, now: now) || changed
        instances[key] = state
        if changed { markDirty() }
    }

    /// Queues an existing item for indexing and returns it with its settle time.
    func enqueue(_ key: InstanceKey, itemID: String, waiting: Bool, message: String) -> QueuedItem {
        guard var item = instances[key]?.items[itemID] else { preconditionFailure("enqueue of a missing item") }
        let now = clock.now
        let delay = settings.processingDelay.timeInterval
        // A caller that waits sees the item picked up at once; otherwise it waits in the queue
        // for the first half of the delay.
        item.schedule = ProcessingSchedule(runsAt: waiting ? now : now.addingTimeInterval(delay / 2),
                                           settlesAt: now.addingTimeInterval(delay))
        item.status = waiting ? .running : .queued
        item.error = nil
        item.pendingDelete = false
        item.lastSeenAt = now
        item.logs.append(ItemLog(action: "queue", fileKey: item.key, message: message, timestamp: Timestamp.iso8601(now)))
        instances[key]!.items[itemID] = item
        instances[key]!.pending.insert(itemID)
        instances[key]!.record.lastActivity = now
        markDirty()
        return QueuedItem(item: render(item, in: instances[key]!), settlesAt: item.schedule?.settlesAt)
    }

    private func settle(_ item: inout ItemRecord, in state: inout InstanceState, at time: Date) {
        let outcome = ItemProcessing.outcome(key: item.key, content: item.hasContent ? contents[item.id] : nil,
                                             injectedFailure: settings.failsOnPurpose(key: item.key))
        let stamp = Timestamp.iso8601(time)
        let elapsedMs = Int((settings.processingDelay.timeInterval * 1000).rounded())
        switch outcome {
        case .completed(let text):
            state.index.index(itemID: item.id, key: item.key, text: text, metadata: Self.metadata(of: item, in: state.record),
                              timestamp: Double(Timestamp.epochMilliseconds(item.modifiedAt)) / 1000,
                              chunkSize: state.record.settings.chunkSize ?? Self.defaultChunkSize,
                              chunkOverlap: state.record.settings.chunkOverlap ?? Self.defaultChunkOverlap)
            let count = state.index.chunks(itemID: item.id).count
            item.status = .completed
            item.error = nil
            item.chunksCount = count
            item.logs.append(ItemLog(action: "index", chunkCount: count, fileKey: item.key,
                                     message: "Indexed \(count) chunks", processingTimeMs: elapsedMs, timestamp: stamp))
        case .skipped(let reason):
            state.index.remove(itemID: item.id)
            item.status = .skipped
            item.chunksCount = 0
            item.logs.append(ItemLog(action: "skip", errorType: "UNSUPPORTED_FILE_TYPE", fileKey: item.key,
                                     message: reason, processingTimeMs: elapsedMs, timestamp: stamp))
        case .failed(let errorType, let reason):
            state.index.remove(itemID: item.id)
            item.status = .error
            item.error = reason
            item.chunksCount = 0
            item.logs.append(ItemLog(action: "index", errorType: errorType, fileKey: item.key, message: reason,
                                     processingTimeMs: elapsedMs, timestamp: stamp))
        }
        item.schedule = nil
        item.lastSeenAt = time
        state.record.lastActivity = time
    }

    // MARK: Rendering

    func render(_ record: ItemRecord, in state: InstanceState) -> Item {
        Item(id: record.id, key: record.key, checksum: record.checksum, chunksCount: record.chunksCount,
             createdAt: Timestamp.iso8601(record.createdAt), lastSeenAt: Timestamp.iso8601(record.lastSeenAt),
             fileSize: record.fileSize, metadata: Self.metadata(of: record, in: state.record), namespace: record.instance.namespace,
             nextAction: record.pendingDelete ? .delete : (record.schedule != nil ? .index : nil),
             sourceID: record.sourceID, status: record.status, error: record.error)
    }

    /// Built-in fields plus the uploaded values of the instance's declared custom fields.
    static func metadata(of record: ItemRecord, in instance: InstanceRecord) -> [String: JSONValue] {
        var metadata: [String: JSONValue] = [
            "filename": .string(record.key),
            "folder": .string(ItemProcessing.folder(of: record.key)),
            "timestamp": .int(Timestamp.epochMilliseconds(record.modifiedAt)),
        ]
        for field in instance.settings.customMetadata ?? [] {
            if let value = record.uploadedMetadata[field.fieldName] { metadata[field.fieldName] = value }
        }
        return metadata
    }

    func checksum(of content: [UInt8]) -> String {
        switch settings.checksumMode {
        case .md5: Digests.hex(Digests.md5(content))
        case .sha256: Digests.hex(Digests.sha256(content))
        case .opaque: Digests.hex(Digests.sha256(Array(checksumSalt.utf8) + content))
        }
    }

    /// Keys: 1 to 128 characters, counted as UTF-16 code units like the service's JavaScript.
    static func validateItemKey(_ key: String) throws(EmulatorError) {
        guard !key.isEmpty else { throw .invalidRequest("the file name (item key) must not be empty") }
        guard key.utf16.count <= 128 else {
            throw .invalidRequest("the file name (item key) must not exceed 128 characters; it has \(key.utf16.count)")
        }
    }

    private func existingItem(_ key: InstanceKey, _ itemID: String) throws(EmulatorError) -> ItemRecord {
        guard let item = try existing(key).items[itemID] else {
            throw .notFound("/ai-search/namespaces/\(key.namespace)/instances/\(key.id)/items/\(itemID)")
        }
        return item
    }
}
