import Foundation
import Hashing

/// What HeadObject (and the head of GetObject) says about an object.
public struct ObjectInfo: Sendable, Hashable {
    public var key: ObjectKey
    public var size: Int64
    public var etag: ETag
    public var lastModified: Date?
    public var contentType: String?

    public init(key: ObjectKey, size: Int64, etag: ETag, lastModified: Date? = nil, contentType: String? = nil) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.contentType = contentType
    }
}

/// One entry of a ListObjectsV2 page.
public struct ObjectSummary: Sendable, Hashable {
    public var key: ObjectKey
    public var size: Int64
    public var etag: ETag
    public var lastModified: Date?

    public init(key: ObjectKey, size: Int64, etag: ETag, lastModified: Date?) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// One ListObjectsV2 page: up to `maxKeys` objects in key (byte) order, and the token for the
/// next page while `isTruncated`.
public struct ObjectListingPage: Sendable, Hashable {
    public var objects: [ObjectSummary]
    public var isTruncated: Bool
    public var nextContinuationToken: String?

    public init(objects: [ObjectSummary], isTruncated: Bool, nextContinuationToken: String?) {
        self.objects = objects
        self.isTruncated = isTruncated
        self.nextContinuationToken = nextContinuationToken
    }
}

/// The answer to PutObject.
public struct PutObjectResult: Sendable, Hashable {
    public var etag: ETag
    public init(etag: ETag) { self.etag = etag }
}

/// The answer to GetObject: the head and the bytes.
public struct StoredObject: Sendable, Hashable {
    public var info: ObjectInfo
    public var body: [UInt8]
    public init(info: ObjectInfo, body: [UInt8]) {
        self.info = info
        self.body = body
    }
}

/// How PutObject fills `x-amz-content-sha256`.
public enum PayloadSigning: Sendable, Hashable {
    /// The SHA-256 of the body as the caller already computed it (the sync engine has it).
    case digest(SHA256Digest)
    /// The client hashes the body.
    case computed
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature (TLS still protects it).
    case unsigned
}
