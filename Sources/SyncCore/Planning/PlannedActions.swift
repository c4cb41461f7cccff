import AISearchAPI
import Hashing
import LinuxSystem

/// Why a file is uploaded.
public enum UploadReason: String, Hashable, Sendable, Codable {
    /// No item has the key.
    case new
    /// The item holds other content than the file (the file changed, or a fresh host found the
    /// item different).
    case changed
    /// The item carries our owner marker and holds other content (our own earlier upload, with
    /// its state record lost): the local file wins.
    case remoteChanged
    /// We had recorded an item for the key, and it is gone from the listing.
    case remoteMissing
}

/// `POST …/items`: upload the file's content under `key`.
public struct UploadAction: Hashable, Sendable, Codable {
    public var key: ItemKey
    @PathCoded public var path: FilePathBytes
    public var size: Int64
    public var sha256: SHA256Digest
    public var reason: UploadReason
    /// The item this upload supersedes, if any.
    public var replacingItemID: String?

    public init(key: ItemKey, path: FilePathBytes, size: Int64, sha256: SHA256Digest, reason: UploadReason, replacingItemID: String? = nil) {
        self.key = key
        self.path = path
        self.size = size
        self.sha256 = sha256
        self.reason = reason
        self.replacingItemID = replacingItemID
    }
}

/// Why an item is deleted. Only items the agent owns (built-in storage, key under its prefix, and
/// recorded in its state or carrying its owner marker) are deleted, unless `--delete-foreign`.
public enum DeleteReason: String, Hashable, Sendable, Codable {
    /// No file maps to the key any more.
    case localGone
    /// The file is still there but now ignored, of an unsupported type, too large or not a
    /// regular file: it is no longer part of the mirror.
    case becameIneligible
    /// A second item under the same key (an upload that added instead of replacing).
    case duplicate
    /// Not ours, and no file maps to its key: deleted only with `--delete-foreign`.
    case foreign
}

/// An item under our prefix that is not ours: not recorded in our state, not carrying our owner
/// marker (uploaded from the dashboard, by another tool, or by another agent). Listed, left alone.
public struct ForeignItem: Hashable, Sendable, Codable {
    public var key: ItemKey
    public var itemID: String
    /// The `aisearch_owner` marker it carries, if any.
    public var owner: String?

    public init(key: ItemKey, itemID: String, owner: String?) {
        self.key = key
        self.itemID = itemID
        self.owner = owner
    }
}

/// A key another writer changed under us (another agent or folder writing the same keys): the
/// agent stops writing and deleting it, reports it once, and records the content it yielded with
/// (a terminal failure), so only a new local edit writes the key again. Never a delete war.
public struct ContestedKey: Hashable, Sendable, Codable {
    public var key: ItemKey
    @PathCoded public var path: FilePathBytes
    public var itemID: String
    /// Our file's content when we yielded; nil when our file is gone.
    public var sha256: SHA256Digest?
    /// The other writer's `aisearch_owner` marker, when the item carries one.
    public var owner: String?

    public init(key: ItemKey, path: FilePathBytes, itemID: String, sha256: SHA256Digest?, owner: String?) {
        self.key = key
        self.path = path
        self.itemID = itemID
        self.sha256 = sha256
        self.owner = owner
    }

    /// How messages name the other writer: `another agent (owner "x")`, or `another writer` when
    /// it left no marker (nil or "").
    public static func writer(owner: String?) -> String {
        guard let owner, !owner.isEmpty else { return "another writer" }
        return "another agent (owner \"\(owner)\")"
    }

    /// One line for the log and the report: the key, what happened, what to do.
    public var explanation: String {
        let writer = Self.writer(owner: owner)
        return "\(writer) changed item \(key) after our upload; leaving it as it is. "
            + "Two agents or folders writing the same keys overwrite each other: give each its own --prefix"
    }
}

/// `DELETE …/items/{id}`.
public struct DeleteAction: Hashable, Sendable, Codable {
    public var key: ItemKey
    public var itemID: String
    public var reason: DeleteReason

    public init(key: ItemKey, itemID: String, reason: DeleteReason) {
        self.key = key
        self.itemID = itemID
        self.reason = reason
    }
}

/// `PATCH …/items/{id}` `{next_action: "INDEX"}`: the item holds our content but the server
/// reports it `error` or `outdated`.
public struct ReindexAction: Hashable, Sendable, Codable {
    public var key: ItemKey
    public var itemID: String
    public var status: Item.Status
    public var sha256: SHA256Digest
    /// 1 for the first re-index of this content.
    public var attempt: Int

    public init(key: ItemKey, itemID: String, status: Item.Status, sha256: SHA256Digest, attempt: Int) {
        self.key = key
        self.itemID = itemID
        self.status = status
        self.sha256 = sha256
        self.attempt = attempt
    }
}

/// How the planner knows an item holds the file's content.
public enum ContentEvidence: Hashable, Sendable, Codable {
    /// The item's `aisearch_sha256` metadata equals the file's SHA-256.
    case metadataDigest
    /// The item's `checksum` equals this digest of the file.
    case checksum(ChecksumAlgorithm)
    /// Our state recorded this item with this checksum holding this content.
    case ownRecord
}

/// Record an existing item as ours, without any request: the instance already holds the file.
public struct AdoptAction: Hashable, Sendable, Codable {
    public var key: ItemKey
    @PathCoded public var path: FilePathBytes
    public var itemID: String
    public var checksum: String
    public var status: Item.Status
    public var sha256: SHA256Digest
    public var evidence: ContentEvidence

    public init(key: ItemKey, path: FilePathBytes, itemID: String, checksum: String, status: Item.Status,
                sha256: SHA256Digest, evidence: ContentEvidence) {
        self.key = key
        self.path = path
        self.itemID = itemID
        self.checksum = checksum
        self.status = status
        self.sha256 = sha256
        self.evidence = evidence
    }

    /// The state record adoption writes.
    public var record: RemoteRecord {
        RemoteRecord(itemID: itemID, checksum: checksum, status: status, contentSHA256: sha256)
    }
}

/// `GET …/items/{id}/download` and compare with the file: the item's checksum is opaque and its
/// size equals the file's, so only the bytes can tell. One request, no re-index. The executor
/// adopts on a match and uploads otherwise.
public struct VerifyAction: Hashable, Sendable, Codable {
    public var key: ItemKey
    @PathCoded public var path: FilePathBytes
    public var itemID: String
    public var checksum: String
    public var status: Item.Status
    public var size: Int64
    public var sha256: SHA256Digest

    public init(key: ItemKey, path: FilePathBytes, itemID: String, checksum: String, status: Item.Status, size: Int64, sha256: SHA256Digest) {
        self.key = key
        self.path = path
        self.itemID = itemID
        self.checksum = checksum
        self.status = status
        self.size = size
        self.sha256 = sha256
    }
}

/// Why a key costs nothing this round.
public enum SkipReason: Hashable, Sendable, Codable {
    /// Not uploadable; reported once per scan.
    case ineligible(IneligibilityReason)
    /// The server refused this exact request for this content with a 4xx; waits for the file to change.
    case terminalFailure(kind: OperationKind, httpStatus: Int?, message: String)
    /// `error`/`outdated` although re-indexed `attempts` times for this content; waits for a change.
    case reindexExhausted(status: Item.Status, attempts: Int, error: String?)
    /// The journal holds the same operation in back-off until then (ns since the epoch).
    case waitingForRetry(kind: OperationKind, untilNanoseconds: Int64)
    /// The scan brought no SHA-256 and the state has none for this identity (a scanner bug).
    case digestUnavailable
    /// The item under the key carries another agent's owner marker: not ours to write.
    case otherWriter(owner: String)
}

public struct SkipAction: Hashable, Sendable, Codable {
    public var key: ItemKey
    public var reason: SkipReason

    public init(key: ItemKey, reason: SkipReason) {
        self.key = key
        self.reason = reason
    }
}

/// A recorded item whose status moved (e.g. `queued` → `completed`): a state update, no request.
public struct StatusUpdate: Hashable, Sendable, Codable {
    public var key: ItemKey
    public var status: Item.Status

    public init(key: ItemKey, status: Item.Status) {
        self.key = key
        self.status = status
    }
}

/// Encodes raw path bytes as a string that round-trips exactly (see `PathEscaping`).
@propertyWrapper
public struct PathCoded: Hashable, Sendable, Codable {
    public var wrappedValue: FilePathBytes

    public init(wrappedValue: FilePathBytes) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let path = PathEscaping.unescape(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad path escape: \(text)"))
        }
        wrappedValue = path
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(PathEscaping.escape(wrappedValue))
    }
}
