import AISearchAPI
import Hashing
import LinuxSystem

/// What the agent knows of one key: the local file as last hashed, and the remote item as last
/// seen. The two halves change independently: a local edit updates `identity`/`sha256` at once,
/// while `remote` keeps describing what the server holds until an upload replaces it.
public struct StateEntry: Hashable, Sendable {
    /// The file's path below the root, raw bytes.
    public var path: FilePathBytes
    /// The file's `lstat` identity when `sha256` was computed; nil when never hashed.
    public var identity: FileIdentity?
    /// SHA-256 of the local file at `identity`.
    public var sha256: SHA256Digest?
    /// The remote item, as last seen or written by this agent; nil when the key has no item.
    public var remote: RemoteRecord?

    public init(path: FilePathBytes, identity: FileIdentity? = nil, sha256: SHA256Digest? = nil, remote: RemoteRecord? = nil) {
        self.path = path
        self.identity = identity
        self.sha256 = sha256
        self.remote = remote
    }
}

/// The remote item of a key as this agent recorded it: its id, the `checksum` and `status` the
/// server reported, and the SHA-256 of the content the item holds (ours, because we uploaded it,
/// adopted it on proof, or verified it by download). While the server reports the same checksum
/// for the same id, the item still holds `contentSHA256`.
public struct RemoteRecord: Hashable, Sendable {
    public var itemID: String
    public var checksum: String
    public var status: Item.Status
    public var contentSHA256: SHA256Digest
    /// `PATCH items/{id}` re-index requests sent for this content; reset when the content changes.
    public var reindexAttempts: Int

    public init(itemID: String, checksum: String, status: Item.Status, contentSHA256: SHA256Digest, reindexAttempts: Int = 0) {
        self.itemID = itemID
        self.checksum = checksum
        self.status = status
        self.contentSHA256 = contentSHA256
        self.reindexAttempts = reindexAttempts
    }
}
