import AISearchAPI
import Foundation
import ObjectStorage

extension InstanceRecord {
    /// The bucket an R2-backed instance (`type: "r2"`, `source: BUCKET`) reads; nil for
    /// built-in storage and web crawlers.
    var r2Bucket: String? {
        guard hasExternalSource, externalSourceID.hasPrefix("r2:"), let source = settings.source, !source.isEmpty else { return nil }
        return source
    }

    /// `source_params.prefix`: only keys under it belong to the instance.
    var r2Prefix: String { settings.other["source_params"]?.objectValue?["prefix"]?.stringValue ?? "" }

    /// `source_params.include_items`/`exclude_items`: which of the bucket's keys a crawl indexes.
    var r2PathFilter: SourcePathFilter { SourcePathFilter(sourceParams: settings.other["source_params"]) }
}

extension EmulatorError {
    static func objectNotInBucket(_ key: String, bucket: String) -> EmulatorError {
        EmulatorError(status: 404, code: 7003, message: "Object \(key) is not in R2 bucket \(bucket): "
            + "upload it (S3 PutObject) before asking to index it")
    }
}

/// R2-backed instances: their items' contents come from the emulator's bucket (`R2Buckets`).
/// - `PUT …/items {key}` indexes the bucket's object under that key now (creating the item), or
///   answers 404 when the bucket has no such object.
/// - `PATCH …/items/{id}` reads the object again and re-indexes it (404 if it is gone; a job
///   removes items whose objects are gone).
/// - A job compares the bucket (under `source_params.prefix`) with the items: new objects become
///   items, objects whose bytes (ETag) changed are re-indexed, items whose object is gone are
///   deleted; unchanged items are left alone. The job ends one processing delay later.
/// - The job honours `source_params.include_items`/`exclude_items` (`SourcePathFilter`): an object
///   they skip is not indexed and counts as gone (its item, if any, is deleted), and the job log
///   says `Skipped by rule: {pattern}` or `Skipped by Include Rules` with the count, as the
///   service's job logs do. `PUT`/`PATCH` of one key are not filtered: the docs describe the
///   filter for crawls only.
/// - Deleting an item leaves the bucket's object where it is.
/// - `stats` counts the bucket's objects (under the prefix) as `engine.r2.objectCount`.
extension EmulatorStore {
    func indexFromBucket(_ key: InstanceKey, bucket: String, itemKey: String, waiting: Bool) throws(EmulatorError) -> QueuedItem {
        guard let object = sourceBuckets.object(bucket: bucket, key: ObjectKey(itemKey)) else { throw .objectNotInBucket(itemKey, bucket: bucket) }
        let id = adopt(key, itemKey: itemKey, object: object)
        return enqueue(key, itemID: id, waiting: waiting, message: "Queued for indexing from r2:\(bucket)")
    }

    func syncFromBucket(_ key: InstanceKey, bucket: String, itemID: String, waiting: Bool) throws(EmulatorError) -> QueuedItem {
        guard let item = instances[key]?.items[itemID] else {
            throw .notFound("/ai-search/namespaces/\(key.namespace)/instances/\(key.id)/items/\(itemID)")
        }
        guard let object = sourceBuckets.object(bucket: bucket, key: ObjectKey(item.key)) else { throw .objectNotInBucket(item.key, bucket: bucket) }
        _ = adopt(key, itemKey: item.key, object: object)
        return enqueue(key, itemID: itemID, waiting: waiting, message: "Sync requested; queued for indexing from r2:\(bucket)")
    }

    /// A manual job on an R2-backed instance (see the extension's description).
    func createBucketJob(_ key: InstanceKey, bucket: String, description: String?) -> Job {
        let now = clock.now
        let id = UUID().uuidString.lowercased()
        var record = JobRecord(job: Job(id: id, source: .user, description: description, startedAt: Timestamp.iso8601(now),
                                        lastSeenAt: Timestamp.iso8601(now)),
                               instance: key, createdAt: now, plannedEnd: now.addingTimeInterval(settings.processingDelay.timeInterval))
        record.appendLog("Job started by user", at: now)
        if let changes = syncBucket(key, bucket: bucket) {
            for (rule, keys) in changes.skipped.sorted(by: { $0.key < $1.key }) {
                record.appendLog("\(rule): \(keys.count) object(s), e.g. \(keys.sorted().prefix(3).joined(separator: ", "))", at: now)
            }
            record.appendLog("Read r2:\(bucket): \(changes.created) new, \(changes.updated) changed, \(changes.deleted) deleted, "
                + "\(changes.unchanged) unchanged objects\(changes.unusable > 0 ? ", \(changes.unusable) keys not usable as item keys" : "")",
                at: now)
        } else {
            record.appendLog("R2 bucket \(bucket) does not exist", at: now, type: 2)
            record.plannedEnd = now
        }
        instances[key]!.jobs[id] = record
        refresh(key)
        markDirty()
        return instances[key]!.jobs[id]!.job
    }

    /// Brings the instance's items in line with the bucket; nil when the bucket does not exist.
    /// `skipped`: the keys the path filter skipped, by the job log's words for the rule.
    private func syncBucket(_ key: InstanceKey, bucket: String)
        -> (created: Int, updated: Int, deleted: Int, unchanged: Int, unusable: Int, skipped: [String: [String]])? {
        guard let record = instances[key]?.record, var objects = sourceBuckets.objects(bucket: bucket, prefix: Array(record.r2Prefix.utf8)) else {
            return nil
        }
        let source = record.externalSourceID
        let filter = record.r2PathFilter
        var skipped: [String: [String]] = [:]
        if !filter.isEmpty {
            for objectKey in Array(objects.keys) {
                guard let text = objectKey.string else { continue }
                switch filter.decision(forKey: text) {
                case .indexed: continue
                case .excluded(let pattern): skipped["Skipped by rule: \(pattern)", default: []].append(text)
                case .notIncluded: skipped["Skipped by Include Rules", default: []].append(text)
                }
                objects[objectKey] = nil
            }
        }
        var created = 0, updated = 0, deleted = 0, unchanged = 0, unusable = 0
        for (objectKey, object) in objects.sorted(by: { $0.key < $1.key }) {
            guard let itemKey = objectKey.string, (try? Self.validateItemKey(itemKey)) != nil else { unusable += 1; continue }
            let existing = instances[key]!.idByKey[Self.lookupKey(source: source, key: itemKey)]
            if let existing, let item = instances[key]!.items[existing], !item.pendingDelete, item.hasContent,
               contents[existing] == object.bytes {
                unchanged += 1
                continue
            }
            let id = adopt(key, itemKey: itemKey, object: object)
            _ = enqueue(key, itemID: id, waiting: false, message: "Queued for indexing by a sync job from r2:\(bucket)")
            if existing == nil { created += 1 } else { updated += 1 }
        }
        let gone = instances[key]!.items.values.filter { item in
            item.sourceID == source && !item.pendingDelete && objects[ObjectKey(item.key)] == nil
        }.map(\.id)
        for id in gone.sorted() where (try? deleteItem(key, itemID: id)) != nil { deleted += 1 }
        return (created, updated, deleted, unchanged, unusable, skipped)
    }

    /// The bucket and prefix an R2-backed instance reads, for `R2Upstream` to read ahead; nil for
    /// other instances (and unknown ones: the store call that follows answers their 404).
    func bucketSource(_ key: InstanceKey) -> (bucket: String, prefix: String)? {
        guard let record = instances[key]?.record, let bucket = record.r2Bucket else { return nil }
        return (bucket, record.r2Prefix)
    }

    /// The key of an R2-backed instance's item, for `R2Upstream` to read ahead of `PATCH`.
    func bucketItemKey(_ key: InstanceKey, itemID: String) -> String? { instances[key]?.items[itemID]?.key }

    /// For `stats`: the objects under an R2-backed instance's bucket and prefix (nil for other kinds).
    func bucketObjectCount(_ record: InstanceRecord) -> Int? {
        guard let bucket = record.r2Bucket else { return nil }
        return sourceBuckets.objects(bucket: bucket, prefix: Array(record.r2Prefix.utf8))?.count ?? 0
    }

    /// Creates the item for `itemKey`, or gives the existing one the object's bytes when they
    /// differ; answers the item's id. Does not queue it.
    private func adopt(_ key: InstanceKey, itemKey: String, object: R2StoredObject) -> String {
        let source = instances[key]!.record.externalSourceID
        let lookup = Self.lookupKey(source: source, key: itemKey)
        let now = clock.now
        let id = instances[key]!.idByKey[lookup] ?? UUID().uuidString.lowercased()
        var item = instances[key]!.items[id] ?? ItemRecord(
            id: id, key: itemKey, instance: key, sourceID: source, checksum: "", createdAt: now, lastSeenAt: now,
            modifiedAt: now, status: .queued, hasContent: false)
        if !item.hasContent || contents[id] != object.bytes {
            item.checksum = checksum(of: object.bytes)
            item.fileSize = Int64(object.bytes.count)
            item.modifiedAt = now
            item.hasContent = true
            contents[id] = object.bytes
            try? persistence?.writeContent(itemID: id, bytes: object.bytes)
        }
        instances[key]!.items[id] = item
        instances[key]!.idByKey[lookup] = id
        return id
    }
}
