import Emulator
import Foundation
import ObjectStorage

/// The torture's view of an R2-backed instance's bucket (`--r2`): the emulator's objects, read
/// in-process. The bucket must equal the folder as the index must: the agent writes only
/// eligible files, so it holds nothing else.
public struct BucketProbe: Sendable {
    public let buckets: R2Buckets
    public let bucket: String

    public init(buckets: R2Buckets, bucket: String) {
        self.buckets = buckets
        self.bucket = bucket
    }

    /// Key → bytes. Keys that are not UTF-8 (never written by the agent) are shown with U+FFFD.
    public func contents() -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for (key, object) in buckets.objects(bucket: bucket) ?? [:] { result[String(decoding: key.bytes, as: UTF8.self)] = object.bytes }
        return result
    }

    /// Polls until the bucket equals `local` or `limit` passes; the divergences of the last
    /// comparison, each key marked as the bucket's (empty: they agree).
    public func awaitAgreement(local: [String: [UInt8]], within limit: Duration, poll: Duration = .milliseconds(200)) async -> [Divergence] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, contents() != local { try? await Task.sleep(for: poll) }
        return FolderComparison.divergences(local: local, remote: contents()).map {
            Divergence(key: "bucket \(bucket): \($0.key)", kind: $0.kind)
        }
    }
}
