import Foundation
import Hashing
import HTTPServer
import ObjectStorage

/// The emulator's S3-compatible R2 endpoint, served beside the REST API under the path prefix
/// `/r2` (give clients `http://HOST:PORT/r2` as their endpoint; requests are path-style,
/// `/r2/{bucket}/{key}`). Every request must be signed (SigV4, see `R2Authentication`) with the
/// configured pair (`EmulatorConfiguration.r2AccessKeyID`/`r2SecretAccessKey`). These requests
/// do not go through the REST API's rate limit, faults or request counts.
///
/// Served: ListBuckets (`GET /r2`), CreateBucket, HeadBucket, DeleteBucket, ListObjectsV2
/// (`prefix`, `continuation-token`, `start-after`, `max-keys` ≤ 1,000, `encoding-type=url`),
/// PutObject, GetObject, HeadObject, DeleteObject. ETags are the MD5 of the bytes. Errors are S3
/// XML (`NoSuchBucket`, `NoSuchKey`, `SignatureDoesNotMatch`, `InvalidAccessKeyId`…).
/// Not served (501 NotImplemented): `delimiter`, multipart uploads, ranges, presigned URLs.
struct R2Endpoint: Sendable {
    static let pathPrefix = "/r2"

    let buckets: R2Buckets
    let authentication: R2Authentication
    let now: @Sendable () -> Date

    static func handles(_ path: String) -> Bool { path == pathPrefix || path.hasPrefix(pathPrefix + "/") }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let (rawPath, rawQuery) = Self.split(request.target)
        let resource = String(decoding: AWSPercentEncoding.decode(rawPath) ?? [], as: UTF8.self)
        do {
            if let refusal = authentication.check(request, rawPath: rawPath, rawQuery: rawQuery) {
                buckets.count("Refused")
                throw refusal
            }
            guard let pathBytes = AWSPercentEncoding.decode(rawPath), pathBytes.starts(with: Array(Self.pathPrefix.utf8)) else {
                throw R2ErrorAnswer(status: 400, code: "InvalidURI", message: "Couldn't parse the specified URI.")
            }
            var rest = Array(pathBytes.dropFirst(Self.pathPrefix.utf8.count))
            if rest.first == UInt8(ascii: "/") { rest.removeFirst() }
            let query = Self.query(rawQuery)
            guard !rest.isEmpty else {
                guard request.method == "GET" else { throw Self.methodNotAllowed }
                buckets.count("ListBuckets")
                return listBuckets()
            }
            let slash = rest.firstIndex(of: UInt8(ascii: "/"))
            let bucket = String(decoding: rest[..<(slash ?? rest.endIndex)], as: UTF8.self)
            let keyBytes = slash.map { Array(rest[rest.index(after: $0)...]) } ?? []
            if keyBytes.isEmpty {
                buckets.count(["PUT": "CreateBucket", "HEAD": "HeadBucket", "DELETE": "DeleteBucket", "GET": "ListObjectsV2"][request.method] ?? "Other")
                return try bucketCall(request, bucket: bucket, query: query)
            }
            buckets.count(["PUT": "PutObject", "GET": "GetObject", "HEAD": "HeadObject", "DELETE": "DeleteObject"][request.method] ?? "Other")
            return try objectCall(request, bucket: bucket, key: ObjectKey(bytes: keyBytes), query: query)
        } catch let answer as R2ErrorAnswer {
            return answer.response(resource: resource)
        } catch {
            return R2ErrorAnswer(status: 500, code: "InternalError", message: "\(error)").response(resource: resource)
        }
    }

    static let methodNotAllowed = R2ErrorAnswer(status: 405, code: "MethodNotAllowed",
                                                message: "The specified method is not allowed against this resource.")

    private func noSuchBucket(_ bucket: String) -> R2ErrorAnswer {
        R2ErrorAnswer(status: 404, code: "NoSuchBucket", message: "The specified bucket does not exist: \(bucket)")
    }

    // MARK: Buckets

    private func listBuckets() -> HTTPResponse {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult><Buckets>"
        for (name, createdAt) in buckets.bucketNames() {
            xml += "<Bucket><Name>\(S3XMLElement.escape(name))</Name><CreationDate>\(AMZDate.iso8601(createdAt))</CreationDate></Bucket>"
        }
        xml += "</Buckets><Owner><ID>emulator</ID></Owner></ListAllMyBucketsResult>"
        return Self.xml(xml)
    }

    private func bucketCall(_ request: HTTPRequest, bucket: String, query: [String: String]) throws -> HTTPResponse {
        switch request.method {
        case "PUT":
            if let problem = R2Client.bucketProblem(bucket) { throw R2ErrorAnswer(status: 400, code: "InvalidBucketName", message: problem) }
            guard buckets.createBucket(bucket, at: now()) else {
                throw R2ErrorAnswer(status: 409, code: "BucketAlreadyOwnedByYou", message: "Bucket \(bucket) already exists and is yours.")
            }
            return HTTPResponse(status: 200, headers: ["Location": "/\(bucket)"])
        case "HEAD":
            guard buckets.bucketExists(bucket) else { throw noSuchBucket(bucket) }
            return HTTPResponse(status: 200)
        case "DELETE":
            switch buckets.deleteBucket(bucket) {
            case .deleted: return HTTPResponse(status: 204)
            case .missing: throw noSuchBucket(bucket)
            case .notEmpty: throw R2ErrorAnswer(status: 409, code: "BucketNotEmpty", message: "The bucket you tried to delete is not empty.")
            }
        case "GET":
            return try listObjects(bucket: bucket, query: query)
        default:
            throw Self.methodNotAllowed
        }
    }

    private func listObjects(bucket: String, query: [String: String]) throws -> HTTPResponse {
        if query["delimiter"] != nil {
            throw R2ErrorAnswer(status: 501, code: "NotImplemented", message: "The emulator does not support delimiter in listings")
        }
        let urlEncoded = query["encoding-type"] == "url"
        let maxKeys = min(1000, max(0, Int(query["max-keys"] ?? "1000") ?? 1000))
        let prefix = Array((query["prefix"] ?? "").utf8)
        var after: [UInt8]? = query["start-after"].map { Array($0.utf8) }
        if let token = query["continuation-token"] {
            guard let decoded = Self.decodeToken(token) else {
                throw R2ErrorAnswer(status: 400, code: "InvalidArgument", message: "The continuation token provided is incorrect")
            }
            after = decoded
        }
        guard let (entries, more) = buckets.listKeys(bucket: bucket, prefix: prefix, after: after, limit: maxKeys) else {
            throw noSuchBucket(bucket)
        }
        func text(_ bytes: [UInt8]) -> String {
            urlEncoded ? AWSPercentEncoding.encode(bytes, keepingSlash: true) : S3XMLElement.escape(String(decoding: bytes, as: UTF8.self))
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        xml += "<Name>\(S3XMLElement.escape(bucket))</Name><Prefix>\(text(prefix))</Prefix><KeyCount>\(entries.count)</KeyCount>"
        xml += "<MaxKeys>\(maxKeys)</MaxKeys>\(urlEncoded ? "<EncodingType>url</EncodingType>" : "")<IsTruncated>\(more)</IsTruncated>"
        if let token = query["continuation-token"] { xml += "<ContinuationToken>\(S3XMLElement.escape(token))</ContinuationToken>" }
        if let start = query["start-after"] { xml += "<StartAfter>\(text(Array(start.utf8)))</StartAfter>" }
        for (key, object) in entries {
            xml += "<Contents><Key>\(text(key.bytes))</Key><LastModified>\(AMZDate.iso8601(object.lastModified))</LastModified>"
                + "<ETag>&quot;\(object.etag)&quot;</ETag><Size>\(object.bytes.count)</Size><StorageClass>STANDARD</StorageClass></Contents>"
        }
        if more, let last = entries.last {
            xml += "<NextContinuationToken>\(Self.encodeToken(last.0.bytes))</NextContinuationToken>"
        }
        xml += "</ListBucketResult>"
        return Self.xml(xml)
    }

    // MARK: Objects

    private func objectCall(_ request: HTTPRequest, bucket: String, key: ObjectKey, query: [String: String]) throws -> HTTPResponse {
        if query["uploads"] != nil || query["uploadId"] != nil {
            throw R2ErrorAnswer(status: 501, code: "NotImplemented", message: "The emulator does not support multipart uploads")
        }
        if let problem = key.problem, request.method == "PUT" { throw R2ErrorAnswer(status: 400, code: "InvalidArgument", message: problem) }
        switch request.method {
        case "PUT":
            if request.headers["x-amz-copy-source"] != nil {
                throw R2ErrorAnswer(status: 501, code: "NotImplemented", message: "The emulator does not support CopyObject")
            }
            let type = request.headers["Content-Type"] ?? "application/octet-stream"
            guard let stored = buckets.putObject(bucket: bucket, key: key, bytes: request.body, contentType: type, at: now()) else {
                throw noSuchBucket(bucket)
            }
            return HTTPResponse(status: 200, headers: ["ETag": "\"\(stored.etag)\""])
        case "GET", "HEAD":
            if request.headers["Range"] != nil {
                throw R2ErrorAnswer(status: 501, code: "NotImplemented", message: "The emulator does not support ranged reads")
            }
            guard buckets.bucketExists(bucket) else { throw noSuchBucket(bucket) }
            guard let object = buckets.object(bucket: bucket, key: key) else {
                throw R2ErrorAnswer(status: 404, code: "NoSuchKey", message: "The specified key does not exist.")
            }
            var headers: HTTPHeaders = ["ETag": "\"\(object.etag)\"", "Content-Type": object.contentType,
                                        "Last-Modified": Self.httpDate(object.lastModified)]
            if request.method == "HEAD" {
                headers["Content-Length"] = String(object.bytes.count)
                return HTTPResponse(status: 200, headers: headers)
            }
            return HTTPResponse(status: 200, headers: headers, body: object.bytes)
        case "DELETE":
            guard buckets.deleteObject(bucket: bucket, key: key) else { throw noSuchBucket(bucket) }
            return HTTPResponse(status: 204)
        default:
            throw Self.methodNotAllowed
        }
    }

    // MARK: Helpers

    static func split(_ target: String) -> (path: String, query: String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }

    /// Decoded query parameters (`+` is a literal plus, as SigV4 clients encode a space `%20`).
    static func query(_ raw: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in raw.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = AWSPercentEncoding.decode(parts[0]) else { continue }
            let value = parts.count > 1 ? AWSPercentEncoding.decode(parts[1]) ?? [] : []
            result[String(decoding: name, as: UTF8.self)] = String(decoding: value, as: UTF8.self)
        }
        return result
    }

    /// A continuation token: the last listed key's bytes in hex, behind a marker.
    static func encodeToken(_ key: [UInt8]) -> String { "emu1-" + hexString(key) }

    static func decodeToken(_ token: String) -> [UInt8]? {
        guard token.hasPrefix("emu1-") else { return nil }
        let hex = token.dropFirst(5)
        return parseHex(String(hex), byteCount: hex.utf8.count / 2)
    }

    static func xml(_ text: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Content-Type": "application/xml"], body: Array(text.utf8))
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
