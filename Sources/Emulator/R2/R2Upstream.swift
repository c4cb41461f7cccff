import Foundation
import ObjectStorage

extension EmulatorConfiguration {
    /// Makes R2-backed instances read their buckets from the S3 endpoint at `endpoint` (moto, a
    /// MinIO, a real R2 bucket) instead of the emulator's own `/r2` buckets, signing with the key
    /// pair `R2CredentialsLoader` finds (`credentialsFile`, else `R2_ACCESS_KEY_ID` and
    /// `R2_SECRET_ACCESS_KEY`, else the `AWS_*` pair). Throws `R2ConfigurationError`, whose message
    /// names the setting to fix.
    public mutating func readR2Buckets(from endpoint: String, credentialsFile: String? = nil, region: String = "auto",
                                       environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let credentials = try R2CredentialsLoader.resolve(credentialsFile: credentialsFile, environment: environment)
        r2Upstream = try R2Configuration(endpoint: endpoint, credentials: credentials, region: region,
                                         timeout: .seconds(60), userAgent: R2Upstream.userAgent)
    }
}

extension EmulatorError {
    static func upstreamUnreadable(_ what: String, endpoint: String, _ error: any Error) -> EmulatorError {
        EmulatorError(status: 502, code: 7010, message: "Could not read \(what) from the R2 upstream \(endpoint): \(error); "
            + "check the emulator's --r2-upstream endpoint and its credentials")
    }
}

/// The R2 bucket an R2-backed instance reads from when the emulator has an upstream S3 endpoint
/// (`EmulatorConfiguration.r2Upstream`): just before a call that reads the bucket (`PUT …/items`,
/// `PATCH …/items/{id}`, a job), the objects it needs are read from the upstream (GetObject of one
/// key, or ListObjectsV2 of the instance's prefix plus a GetObject of each object whose ETag is not
/// the MD5 of the copy held) into `cache`, an in-memory `R2Buckets` the store then reads as it
/// reads its own buckets. Nothing is ever written upstream: the emulator only indexes.
///
/// Calls run one at a time, in arrival order, each holding the lock from its upstream read until
/// the store has taken what it read: so a `PUT items` that read version 1 of a key cannot land
/// after a later one that read version 2. Requests carry the User-Agent `userAgent`, so an
/// upstream's request log tells them from the agent's.
final class R2Upstream: Sendable {
    static let userAgent = "aisearch-sync-emulator-crawler"

    let client: R2Client
    let cache: R2Buckets
    private let lock = SerialLock()

    init(configuration: R2Configuration, cache: R2Buckets) {
        client = R2Client(configuration: configuration)
        self.cache = cache
    }

    var endpoint: String { client.configuration.endpoint }

    /// Runs `body` alone: no other upstream-backed call starts before it ends.
    func serialized<T: Sendable>(_ body: () async throws(EmulatorError) -> T) async throws(EmulatorError) -> T {
        await lock.acquire()
        do {
            let value = try await body()
            await lock.release()
            return value
        } catch {
            await lock.release()
            throw error
        }
    }

    /// Makes the cached copy of `bucket`/`key` what the upstream holds now (gone if it holds none).
    func refresh(bucket: String, key: String) async throws(EmulatorError) {
        cache.createBucket(bucket)
        do {
            let object = try await client.getObject(bucket: bucket, key: ObjectKey(key))
            cache.putObject(bucket: bucket, key: ObjectKey(key), bytes: object.body,
                            contentType: object.info.contentType ?? "application/octet-stream", at: object.info.lastModified ?? Date())
        } catch let error as S3Error where error.code == "NoSuchKey" || error.code == "NoSuchBucket" {
            cache.deleteObject(bucket: bucket, key: ObjectKey(key))
        } catch {
            throw .upstreamUnreadable("r2:\(bucket)/\(key)", endpoint: endpoint, error)
        }
    }

    /// Makes the cached copy of `bucket` under `prefix` what the upstream lists now; a bucket the
    /// upstream does not have is dropped from the cache (the job then says it does not exist).
    func refresh(bucket: String, prefix: String) async throws(EmulatorError) {
        var listed: [ObjectKey: ObjectSummary] = [:]
        do {
            for try await page in client.objectPages(bucket: bucket, prefix: prefix.isEmpty ? nil : ObjectKey(prefix)) {
                for object in page.objects { listed[object.key] = object }
            }
        } catch let error as S3Error where error.code == "NoSuchBucket" {
            for key in Array((cache.objects(bucket: bucket) ?? [:]).keys) { cache.deleteObject(bucket: bucket, key: key) }
            _ = cache.deleteBucket(bucket)
            return
        } catch {
            throw .upstreamUnreadable("the listing of r2:\(bucket)", endpoint: endpoint, error)
        }
        cache.createBucket(bucket)
        let held = cache.objects(bucket: bucket, prefix: Array(prefix.utf8)) ?? [:]
        for key in held.keys where listed[key] == nil { cache.deleteObject(bucket: bucket, key: key) }
        // A multipart object's ETag is not an MD5: such an object is read again at every job.
        for (key, summary) in listed.sorted(by: { $0.key < $1.key }) where !(held[key].map { summary.etag.matches(md5Hex: $0.etag) } ?? false) {
            do {
                let object = try await client.getObject(bucket: bucket, key: key)
                cache.putObject(bucket: bucket, key: key, bytes: object.body, contentType: object.info.contentType ?? "application/octet-stream",
                                at: object.info.lastModified ?? Date())
            } catch let error as S3Error where error.code == "NoSuchKey" {
                cache.deleteObject(bucket: bucket, key: key)
            } catch {
                throw .upstreamUnreadable("r2:\(bucket)/\(key)", endpoint: endpoint, error)
            }
        }
    }
}

/// One holder at a time, waiters served in arrival order; for async work that must not interleave.
actor SerialLock {
    private var isHeld = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard isHeld else {
            isHeld = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { isHeld = false } else { waiters.removeFirst().resume() }
    }
}

/// What a call on an R2-backed instance reads from its bucket.
enum UpstreamRead: Sendable {
    /// `PUT …/items {key}`: that key.
    case key(String)
    /// `PATCH …/items/{id}`: that item's key.
    case item(String)
    /// A job: everything under the instance's prefix.
    case bucket
}

extension EmulatorService {
    /// Runs `call`, first reading what it needs from the upstream S3 endpoint when the emulator
    /// has one and `key` is an R2-backed instance (see `R2Upstream`); otherwise just runs it.
    func readingUpstream<T: Sendable>(_ key: InstanceKey, _ read: UpstreamRead,
                                      _ call: () async throws(EmulatorError) -> T) async throws(EmulatorError) -> T {
        guard let upstream = store.upstream, let source = await store.bucketSource(key) else { return try await call() }
        return try await upstream.serialized { () async throws(EmulatorError) -> T in
            switch read {
            case .key(let itemKey):
                try await upstream.refresh(bucket: source.bucket, key: itemKey)
            case .item(let itemID):
                if let itemKey = await store.bucketItemKey(key, itemID: itemID) { try await upstream.refresh(bucket: source.bucket, key: itemKey) }
            case .bucket:
                try await upstream.refresh(bucket: source.bucket, prefix: source.prefix)
            }
            return try await call()
        }
    }
}
