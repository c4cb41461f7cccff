import Foundation
import Glibc
import Hashing
import ObjectStorage
import Synchronization

/// One object in an emulated R2 bucket.
public struct R2StoredObject: Sendable, Hashable {
    public var bytes: [UInt8]
    /// Lowercase hex MD5 of `bytes`: the ETag (quoted on the wire), as R2 gives a single-part object.
    public var etag: String
    public var lastModified: Date
    public var contentType: String
}

/// The emulator's R2 buckets: what its S3 endpoint serves and what R2-backed instances index.
/// Keys are bytes (`ObjectKey`), so NFC and NFD spellings are two objects. Thread-safe (one
/// mutex); every call sees and leaves a consistent state.
///
/// With a directory (the emulator's `--data DIR` + `/r2`) every bucket is a folder and every
/// object a file in it named by the hex of its key's bytes, written before the call returns
/// (to a temporary file, then renamed); a new emulator on the same directory finds them again,
/// each with the file's modification time and content type `application/octet-stream`.
public final class R2Buckets: Sendable {
    struct Bucket: Sendable {
        var createdAt: Date
        var objects: [ObjectKey: R2StoredObject] = [:]
        /// The keys in byte order, rebuilt after a change when a listing needs it.
        var sortedKeys: [ObjectKey]?
    }

    private let state = Mutex<[String: Bucket]>([:])
    private let directory: URL?
    private let counts = Mutex<[String: Int]>([:])

    /// S3 requests answered so far, by operation (`PutObject`, `ListObjectsV2`…; `Refused` for
    /// those that failed authentication). They are not REST API requests and are not in
    /// `Emulator.requestCounts()`.
    public func requestCounts() -> [String: Int] { counts.withLock { $0 } }

    public func clearRequestCounts() { counts.withLock { $0 = [:] } }

    func count(_ operation: String) { counts.withLock { $0[operation, default: 0] += 1 } }

    /// In memory only, or kept under `directory` (loaded from it now).
    public init(directory: URL? = nil) {
        self.directory = directory
        guard let directory else { return }
        let files = FileManager.default
        var loaded: [String: Bucket] = [:]
        for name in (try? files.contentsOfDirectory(atPath: directory.path)) ?? [] where R2Client.bucketProblem(name) == nil {
            let folder = directory.appendingPathComponent(name, isDirectory: true)
            let created = (try? files.attributesOfItem(atPath: folder.path))?[.creationDate] as? Date
            var bucket = Bucket(createdAt: created ?? Date())
            for file in (try? files.contentsOfDirectory(atPath: folder.path)) ?? [] {
                guard let key = Self.keyBytes(fileName: file), let data = files.contents(atPath: folder.appendingPathComponent(file).path)
                else { continue }
                let modified = (try? files.attributesOfItem(atPath: folder.appendingPathComponent(file).path)[.modificationDate]) as? Date
                let bytes = Array(data)
                bucket.objects[ObjectKey(bytes: key)] = R2StoredObject(bytes: bytes, etag: MD5.hash(bytes).hex,
                                                                        lastModified: modified ?? Date(), contentType: "application/octet-stream")
            }
            loaded[name] = bucket
        }
        state.withLock { $0 = loaded }
    }

    /// Forgets every bucket (and, with a directory, removes their files).
    public func removeAll() {
        state.withLock { buckets in
            buckets = [:]
            if let directory { try? FileManager.default.removeItem(at: directory) }
        }
    }

    /// Creates `name`; false if it already existed.
    @discardableResult
    public func createBucket(_ name: String, at date: Date = Date()) -> Bool {
        state.withLock { buckets in
            guard buckets[name] == nil else { return false }
            buckets[name] = Bucket(createdAt: date)
            if let folder = folder(name) { try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
            return true
        }
    }

    public func bucketExists(_ name: String) -> Bool { state.withLock { $0[name] != nil } }

    /// Bucket names with their creation dates, by name.
    public func bucketNames() -> [(name: String, createdAt: Date)] {
        state.withLock { buckets in buckets.map { ($0.key, $0.value.createdAt) }.sorted { $0.name < $1.name } }
    }

    enum DeleteBucketOutcome { case deleted, missing, notEmpty }

    func deleteBucket(_ name: String) -> DeleteBucketOutcome {
        state.withLock { buckets in
            guard let bucket = buckets[name] else { return .missing }
            guard bucket.objects.isEmpty else { return .notEmpty }
            buckets[name] = nil
            if let folder = folder(name) { try? FileManager.default.removeItem(at: folder) }
            return .deleted
        }
    }

    /// Stores `bytes` under `key`; nil if the bucket does not exist.
    @discardableResult
    public func putObject(bucket: String, key: ObjectKey, bytes: [UInt8], contentType: String = "application/octet-stream",
                          at date: Date = Date()) -> R2StoredObject? {
        let object = R2StoredObject(bytes: bytes, etag: MD5.hash(bytes).hex, lastModified: date, contentType: contentType)
        return state.withLock { buckets in
            guard buckets[bucket] != nil else { return nil }
            if buckets[bucket]!.objects.updateValue(object, forKey: key) == nil { buckets[bucket]!.sortedKeys = nil }
            if let folder = folder(bucket) { write(bytes, to: folder.appendingPathComponent(Self.fileName(key))) }
            return object
        }
    }

    /// Removes `key`; false if the bucket does not exist (a missing key is no error, as in S3).
    @discardableResult
    public func deleteObject(bucket: String, key: ObjectKey) -> Bool {
        state.withLock { buckets in
            guard buckets[bucket] != nil else { return false }
            if buckets[bucket]!.objects.removeValue(forKey: key) != nil { buckets[bucket]!.sortedKeys = nil }
            if let folder = folder(bucket) { try? FileManager.default.removeItem(at: folder.appendingPathComponent(Self.fileName(key))) }
            return true
        }
    }

    public func object(bucket: String, key: ObjectKey) -> R2StoredObject? {
        state.withLock { $0[bucket]?.objects[key] }
    }

    /// Every object of `bucket` whose key starts with `prefix`, without the bytes' copies being
    /// made twice; nil if the bucket does not exist.
    public func objects(bucket: String, prefix: [UInt8] = []) -> [ObjectKey: R2StoredObject]? {
        state.withLock { buckets in
            guard let bucket = buckets[bucket] else { return nil }
            return prefix.isEmpty ? bucket.objects : bucket.objects.filter { $0.key.bytes.starts(with: prefix) }
        }
    }

    /// Up to `limit` keys after `after` (exclusive) that start with `prefix`, in byte order, and
    /// whether more follow; nil if the bucket does not exist.
    func listKeys(bucket: String, prefix: [UInt8], after: [UInt8]?, limit: Int) -> (entries: [(ObjectKey, R2StoredObject)], more: Bool)? {
        state.withLock { buckets in
            guard var stored = buckets[bucket] else { return nil }
            let sorted: [ObjectKey]
            if let cached = stored.sortedKeys { sorted = cached } else {
                sorted = stored.objects.keys.sorted()
                stored.sortedKeys = sorted
                buckets[bucket] = stored
            }
            // First index past `after` and at or past `prefix`, by binary search.
            let floor: [UInt8] = after.map { $0.lexicographicallyPrecedes(prefix) ? prefix : $0 } ?? prefix
            var low = 0, high = sorted.count
            while low < high {
                let middle = (low + high) / 2
                let key = sorted[middle].bytes
                if key.lexicographicallyPrecedes(floor) || (after != nil && key == after!) { low = middle + 1 } else { high = middle }
            }
            var entries: [(ObjectKey, R2StoredObject)] = []
            var index = low
            while index < sorted.count, sorted[index].bytes.starts(with: prefix) {
                if entries.count == limit { return (entries, !entries.isEmpty) }
                if let object = stored.objects[sorted[index]] { entries.append((sorted[index], object)) }
                index += 1
            }
            return (entries, false)
        }
    }

    // MARK: Files

    private func folder(_ bucket: String) -> URL? { directory?.appendingPathComponent(bucket, isDirectory: true) }

    /// Hex of the key's bytes: any key is a valid file name, and NFC/NFD twins stay two files.
    static func fileName(_ key: ObjectKey) -> String { hexString(key.bytes) }

    static func keyBytes(fileName: String) -> [UInt8]? {
        guard !fileName.hasPrefix("."), fileName.utf8.count % 2 == 0 else { return nil }
        return parseHex(fileName, byteCount: fileName.utf8.count / 2)
    }

    private func write(_ bytes: [UInt8], to file: URL) {
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(bytes).write(to: temporary)
            if rename(temporary.path, file.path) != 0 { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            FileHandle.standardError.write(Data("emulator: could not save R2 object to \(file.path): \(error)\n".utf8))
        }
    }
}
