import AISearchAPI
import Foundation
import Hashing

/// The object calls. Buckets and keys are checked before anything is sent (see
/// `ObjectKey.problem`, `R2Client.bucketProblem(_:)`).
extension R2Client {
    /// Stores `body` under `key` (replacing any object there) and answers its ETag, which for
    /// this single-part upload is the hex MD5 of `body`.
    public func putObject(bucket: String, key: ObjectKey, body: [UInt8], payload: PayloadSigning = .computed,
                          contentType: String = "application/octet-stream") async throws -> PutObjectResult {
        try checkBucket(bucket, operation: "PutObject")
        let hash = switch payload {
        case .digest(let digest): digest.hex
        case .computed: SHA256.hash(body).hex
        case .unsigned: SigV4Signer.unsignedPayload
        }
        let call = Call(operation: "PutObject", method: .put, bucket: bucket, key: key,
                        headers: [("content-type", contentType)], body: body, payloadHash: hash)
        let response = try await perform(call)
        guard let etag = response.headers["ETag"] else {
            throw S3ResponseError(operation: "PutObject", bucket: bucket, problem: "no ETag header")
        }
        return PutObjectResult(etag: ETag(etag))
    }

    /// Removes `key`. Deleting a key that is not there succeeds, as in S3.
    public func deleteObject(bucket: String, key: ObjectKey) async throws {
        try checkBucket(bucket, operation: "DeleteObject")
        _ = try await perform(Call(operation: "DeleteObject", method: .delete, bucket: bucket, key: key))
    }

    /// The object's size, ETag and dates; nil when there is no such key (or no such bucket: a
    /// HEAD answer has no body to tell the two apart).
    public func headObject(bucket: String, key: ObjectKey) async throws -> ObjectInfo? {
        try checkBucket(bucket, operation: "HeadObject")
        let response = try await perform(Call(operation: "HeadObject", method: .head, bucket: bucket, key: key), tolerating: [404])
        if response.status == 404 { return nil }
        return try info(of: response, key: key, bucket: bucket, operation: "HeadObject")
    }

    /// The object's bytes and head. Throws `S3Error` (`NoSuchKey`) when it is absent, and
    /// `S3ResponseError` when it is larger than `maxBytes` (default: the configuration's); the
    /// body is held in memory, so this is for verification reads, not for large objects.
    public func getObject(bucket: String, key: ObjectKey, maxBytes: Int? = nil) async throws -> StoredObject {
        try checkBucket(bucket, operation: "GetObject")
        let limit = maxBytes ?? configuration.maxObjectBytes
        let response = try await perform(Call(operation: "GetObject", method: .get, bucket: bucket, key: key))
        guard response.body.count <= limit else {
            throw S3ResponseError(operation: "GetObject", bucket: bucket, problem: "\(key) has \(response.body.count) bytes, more than the \(limit) allowed")
        }
        var info = try info(of: response, key: key, bucket: bucket, operation: "GetObject")
        info.size = Int64(response.body.count)
        return StoredObject(info: info, body: response.body)
    }

    /// One ListObjectsV2 page of the keys under `prefix`, in byte order, at most `maxKeys`
    /// (1 to 1,000) of them, after `continuationToken` (from the previous page) or `startAfter`.
    /// Asks for `encoding-type=url`, so any key bytes survive the XML.
    public func listObjects(bucket: String, prefix: ObjectKey? = nil, continuationToken: String? = nil,
                            startAfter: ObjectKey? = nil, maxKeys: Int = 1000) async throws -> ObjectListingPage {
        try checkBucket(bucket, operation: "ListObjectsV2")
        var query: [(name: String, value: String)] = [("list-type", "2"), ("encoding-type", "url"),
                                                      ("max-keys", String(min(max(maxKeys, 1), 1000)))]
        // Query values travel as text; a key that is not UTF-8 cannot be a prefix here.
        if let prefix, !prefix.bytes.isEmpty { query.append(("prefix", prefix.description)) }
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let startAfter { query.append(("start-after", startAfter.description)) }
        let response = try await perform(Call(operation: "ListObjectsV2", method: .get, bucket: bucket, query: query))
        return try Self.listingPage(response.body, bucket: bucket)
    }

    /// Every page under `prefix`, fetched as it is iterated.
    public func objectPages(bucket: String, prefix: ObjectKey? = nil, pageSize: Int = 1000) -> ObjectListingPages {
        ObjectListingPages(client: self, bucket: bucket, prefix: prefix, pageSize: pageSize)
    }

    /// Creates `bucket` (for tests and the emulator; R2 buckets are usually made in the dashboard).
    public func createBucket(_ bucket: String) async throws {
        try checkBucket(bucket, operation: "CreateBucket")
        _ = try await perform(Call(operation: "CreateBucket", method: .put, bucket: bucket))
    }

    /// Why `name` is no R2 bucket name (3 to 63 lowercase letters, digits and `-`, not starting
    /// or ending with `-`), or nil.
    public static func bucketProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        let allowed = bytes.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d }
        guard (3...63).contains(bytes.count), allowed, bytes.first != 0x2d, bytes.last != 0x2d else {
            return "bucket name \"\(name)\" is not valid: 3 to 63 lowercase letters, digits and '-', not starting or ending with '-'"
        }
        return nil
    }

    private func checkBucket(_ bucket: String, operation: String) throws(S3Error) {
        if let problem = Self.bucketProblem(bucket) {
            throw S3Error(operation: operation, bucket: bucket, key: nil, status: 0, code: "InvalidBucketName",
                          message: problem, endpoint: configuration.endpoint)
        }
    }

    private func info(of response: TransportResponse, key: ObjectKey, bucket: String, operation: String) throws -> ObjectInfo {
        guard let etag = response.headers["ETag"] else { throw S3ResponseError(operation: operation, bucket: bucket, problem: "no ETag header") }
        let size = response.headers["Content-Length"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } ?? Int64(response.body.count)
        return ObjectInfo(key: key, size: size, etag: ETag(etag),
                          lastModified: response.headers["Last-Modified"].flatMap(HTTPDate.parse),
                          contentType: response.headers["Content-Type"])
    }

    static func listingPage(_ body: [UInt8], bucket: String) throws -> ObjectListingPage {
        func failure(_ problem: String) -> S3ResponseError { S3ResponseError(operation: "ListObjectsV2", bucket: bucket, problem: problem) }
        guard let root = S3XMLElement.parse(body), root.name == "ListBucketResult" else { throw failure("not a ListBucketResult document") }
        let urlEncoded = root.value("EncodingType")?.lowercased() == "url"
        var objects: [ObjectSummary] = []
        for entry in root.all("Contents") {
            guard let rawKey = entry.value("Key"), let size = entry.value("Size").flatMap({ Int64($0) }),
                  let etag = entry.value("ETag") else { throw failure("an entry lacks Key, Size or ETag") }
            let keyBytes: [UInt8]
            if urlEncoded {
                guard let decoded = AWSPercentEncoding.decode(rawKey, plusIsSpace: true) else { throw failure("bad key encoding: \(rawKey)") }
                keyBytes = decoded
            } else {
                keyBytes = Array(rawKey.utf8)
            }
            objects.append(ObjectSummary(key: ObjectKey(bytes: keyBytes), size: size, etag: ETag(etag),
                                         lastModified: entry.value("LastModified").flatMap(AMZDate.parseISO8601)))
        }
        let truncated = root.value("IsTruncated")?.lowercased() == "true"
        let token = root.value("NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
        if truncated && token == nil { throw failure("IsTruncated without NextContinuationToken") }
        return ObjectListingPage(objects: objects, isTruncated: truncated, nextContinuationToken: truncated ? token : nil)
    }
}

/// The pages of a listing as an `AsyncSequence`: one ListObjectsV2 request per page, made when
/// the page is asked for, so a large bucket is never held whole.
public struct ObjectListingPages: AsyncSequence, Sendable {
    public typealias Element = ObjectListingPage
    let client: R2Client
    let bucket: String
    let prefix: ObjectKey?
    let pageSize: Int

    public struct AsyncIterator: AsyncIteratorProtocol {
        let pages: ObjectListingPages
        var token: String?
        var finished = false

        public mutating func next() async throws -> ObjectListingPage? {
            guard !finished else { return nil }
            let page = try await pages.client.listObjects(bucket: pages.bucket, prefix: pages.prefix, continuationToken: token,
                                                          maxKeys: pages.pageSize)
            token = page.nextContinuationToken
            finished = !page.isTruncated
            return page
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pages: self) }
}
