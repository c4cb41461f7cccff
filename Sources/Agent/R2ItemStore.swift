import AISearchAPI
import Foundation
import Hashing
import LinuxSystem
import ObjectStorage
import SyncCore

/// The sync engine's view of an R2-backed instance (`type: "r2"`, `source: BUCKET`): the bucket
/// is the listing (1,000 keys a page over the S3 API, which the REST API's 1,200 requests per
/// 5 minutes do not count), writes go to the bucket, and each written key is indexed at once
/// through the REST API (`PUT …/items {key, next_action: "INDEX"}`) instead of waiting up to six
/// hours for the instance's scheduled crawl.
///
/// The engine's items are the bucket's objects: id and key are the object key, the checksum is
/// the ETag, which for a single-part object is the MD5 of its bytes; so a fresh host recognises
/// the objects it already holds from the listing alone (the planner learns the `md5` kind), with no
/// download and no write.
///
/// A round with more changes than `bulkThreshold` writes the bucket only, then starts **one sync
/// job** and follows it to its end (jobs: at most one per 30 s; one per round is far below that).
///
/// Every bucket write is recorded in `R2IndexDebt` before it goes out and cleared once its key is
/// indexed (or the job that re-reads the bucket has started); whatever a killed run still owed is
/// indexed at the next listing, before anything is compared.
public actor R2ItemStore: RemoteItemStore {
    public let objects: R2Client
    public let bucket: String
    public let client: AISearchClient
    public let instance: String
    /// The instance's `source_params.prefix` (ending in `/`, or ""): only keys under it are listed.
    public let sourcePrefix: String
    /// Uploads plus deletes in one round above which the round indexes with one job.
    public let bulkThreshold: Int
    /// How long a job is followed before the round gives up waiting for it (it goes on running).
    public let jobFollowLimit: Duration
    public let jobPollInterval: Duration

    /// Set for the round in flight when it is a bulk load.
    private var bulkRound = false
    private var bulkChanges = 0
    private var debt: R2IndexDebt

    /// - Parameter indexDebtFile: where `R2IndexDebt` keeps what is owed (the state directory's
    ///   `R2IndexDebt.fileName`); nil keeps it in memory.
    public init(objects: R2Client, bucket: String, client: AISearchClient, instance: String, sourcePrefix: String = "", bulkThreshold: Int = 500,
                jobFollowLimit: Duration = .seconds(900), jobPollInterval: Duration = .seconds(2), indexDebtFile: FilePathBytes? = nil) {
        debt = R2IndexDebt(file: indexDebtFile)
        self.objects = objects
        self.bucket = bucket
        self.client = client
        self.instance = instance
        self.sourcePrefix = sourcePrefix
        self.bulkThreshold = bulkThreshold
        self.jobFollowLimit = jobFollowLimit
        self.jobPollInterval = jobPollInterval
    }

    /// The source id the engine gives the bucket's items (see `PlanOptions.itemSource`).
    public static let itemSource = "r2"

    // MARK: Listing

    public func listAll() async throws -> [Item] { try await listing().items }

    public func listing() async throws -> ItemListing {
        var items: [Item] = []
        for try await page in objects.objectPages(bucket: bucket, prefix: sourcePrefix.isEmpty ? nil : ObjectKey(sourcePrefix)) {
            for object in page.objects {
                // A key that is not UTF-8 was not written by us (our keys are), and the API could not name it.
                guard let key = object.key.string else { continue }
                items.append(Self.item(key: key, etag: object.etag, size: object.size, modified: object.lastModified))
            }
        }
        try await payIndexDebt(listed: Set(items.map(\.key)))
        // S3 lists consistently (no offset paging): the listing is whole.
        return ItemListing(items: items, reportedTotal: items.count)
    }

    /// Indexes what a killed run wrote to the bucket but did not index: a key it lists is indexed
    /// (`PUT …/items`), a key it no longer lists has its item removed; past `bulkThreshold` keys,
    /// one sync job does it all.
    private func payIndexDebt(listed: Set<String>) async throws {
        guard !debt.isEmpty else { return }
        if debt.keys.count > bulkThreshold {
            _ = try await client.createJob(in: instance, description: "aisearch-sync: indexing \(debt.keys.count) key(s) an earlier run wrote to \(bucket)")
            debt.payAll()
            return
        }
        for key in debt.keys.sorted() {
            if listed.contains(key) {
                do { _ = try await client.createOrUpdateItem(in: instance, key: key, waitForCompletion: false) } catch let error as APIError where error.status == 404 {}
            } else {
                try await removeItems(key: key)
            }
            debt.pay(key)
        }
    }

    static func item(key: String, etag: ETag, size: Int64?, modified: Date?) -> Item {
        let stamp = modified.map { $0.formatted(.iso8601) } ?? ""
        return Item(id: key, key: key, checksum: etag.md5Hex ?? etag.value, createdAt: stamp, lastSeenAt: stamp,
                    fileSize: size, namespace: "", sourceID: itemSource, status: .completed)
    }

    // MARK: Writes

    public func roundWillStart(uploads: Int, deletes: Int) async {
        bulkRound = uploads + deletes > bulkThreshold
        bulkChanges = 0
    }

    public func upload(key: ItemKey, contents: [UInt8], metadata: [String: JSONValue]?, waitForCompletion: Bool) async throws -> Item {
        try debt.owe(key.rawValue)
        let result = try await objects.putObject(bucket: bucket, key: ObjectKey(key.rawValue), body: contents,
                                                 payload: .digest(SHA256.hash(contents)), contentType: Self.contentType(of: key.rawValue))
        if bulkRound {
            bulkChanges += 1
        } else {
            _ = try await client.createOrUpdateItem(in: instance, key: key.rawValue, waitForCompletion: waitForCompletion)
            debt.pay(key.rawValue)
        }
        return Self.item(key: key.rawValue, etag: result.etag, size: Int64(contents.count), modified: nil)
    }

    /// Removes the object, then its item, so the index forgets it now rather than at the next crawl.
    public func delete(itemID: String) async throws {
        try debt.owe(itemID)
        try await objects.deleteObject(bucket: bucket, key: ObjectKey(itemID))
        if bulkRound {
            bulkChanges += 1
            return
        }
        try await removeItems(key: itemID)
        debt.pay(itemID)
    }

    /// Deletes the instance's items with this key (found with the listing's `key` filter).
    private func removeItems(key: String) async throws {
        let listed = try await client.listItems(in: instance, query: ItemListQuery(key: key, perPage: 50))
        for item in listed.items where item.key == key {
            do { _ = try await client.deleteItem(item.id, in: instance) } catch let error as APIError where error.status == 404 {}
        }
    }

    public func reindex(itemID: String, waitForCompletion: Bool) async throws -> Item {
        _ = try await client.createOrUpdateItem(in: instance, key: itemID, waitForCompletion: waitForCompletion)
        return try await get(itemID: itemID)
    }

    public func download(itemID: String) async throws -> [UInt8] {
        try await objects.getObject(bucket: bucket, key: ObjectKey(itemID), maxBytes: Int(EligibilityPolicy.defaultSizeLimit)).body
    }

    public func get(itemID: String) async throws -> Item {
        guard let info = try await objects.headObject(bucket: bucket, key: ObjectKey(itemID)) else {
            throw APIError(status: 404, errors: [APIMessage(code: 0, message: "no object \(itemID) in bucket \(bucket)")],
                           method: .head, path: "/\(bucket)/\(itemID)")
        }
        return Self.item(key: itemID, etag: info.etag, size: info.size, modified: info.lastModified)
    }

    public func lastLogMessage(itemID: String) async throws -> String? { nil }

    /// After a bulk round: one sync job re-reads the bucket; followed to its end.
    public func roundDidEnd(waitForCompletion: Bool) async -> RoundCompletion {
        defer { bulkRound = false }
        guard bulkRound, bulkChanges > 0 else { return RoundCompletion() }
        var completion = RoundCompletion()
        do {
            let job = try await client.createJob(in: instance, description: "aisearch-sync: \(bulkChanges) change(s) written to \(bucket)")
            // The job re-reads the whole bucket: it indexes every key written so far.
            debt.payAll()
            completion.requests += 1
            completion.jobID = job.id
            let deadline = ContinuousClock.now + jobFollowLimit
            var current = job
            while current.isRunning, ContinuousClock.now < deadline {
                try await JobPoolClock().sleep(for: jobPollInterval)
                current = try await client.getJob(job.id, in: instance)
                completion.requests += 1
            }
            if current.isRunning {
                completion.failure = "sync job \(job.id) is still running after \(jobFollowLimit); the bucket holds every change, and the job goes on (aisearch-sync jobs get \(job.id))"
            } else if let reason = current.endReason, !reason.isEmpty, reason.lowercased() != "completed" {
                let logs = try? await client.jobLogs(job.id, in: instance, perPage: 5)
                completion.requests += 1
                let detail = logs?.items.last?.message ?? reason
                completion.failure = "sync job \(job.id) ended \(reason): \(detail)"
            }
        } catch {
            completion.failure = "the bucket holds every change, but starting or following the sync job failed: \(error); the instance's scheduled crawl will index them, or run: aisearch-sync jobs create \(instance)"
        }
        return completion
    }

    /// What PutObject declares; the instance reads the type from the key's extension anyway.
    static func contentType(of key: String) -> String {
        switch key.split(separator: ".").last?.lowercased() {
        case "md", "markdown": "text/markdown"
        case "txt": "text/plain"
        case "html", "htm": "text/html"
        case "json": "application/json"
        case "pdf": "application/pdf"
        default: "application/octet-stream"
        }
    }
}
