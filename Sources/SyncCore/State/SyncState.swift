import AISearchAPI
import Hashing
import LinuxSystem

/// Everything the agent remembers about one instance between runs: per-key records, the
/// instance's checksum kind and the operation journal. A pure value: `StateStore` loads and saves
/// it, the planner reads it, and changes go through `apply(_:)` so they can be logged and tested.
public struct SyncState: Hashable, Sendable {
    /// The current state file format version (see `StateFileCodec`).
    /// 2: a journal (`state.journal`) of the generation named in the file applies on top.
    /// 3: the entries table is binary (`StateSnapshotRows`), after the JSON of the rest.
    public static let formatVersion = 3

    /// How far before the state's write time a file's change stamps still count as racy: the
    /// kernel stamps files from a coarse clock that lags the real-time clock by up to a tick, and
    /// network file systems add skew. Re-hashing a few more files is cheap; missing an edit is not.
    public static let racyMarginNanoseconds: Int64 = 1_000_000_000

    public var scope: StateScope
    public var checksumKind: InstanceChecksumKind
    public var entries: StateTable
    public var journal: OperationJournal
    /// Wall-clock time (nanoseconds since the epoch) taken just before the state was last written;
    /// nil for a state never saved.
    public var lastWriteNanoseconds: Int64?
    /// What the agent last saw of the instance as a whole (see `RemoteFingerprint`).
    public var remoteFingerprint: RemoteFingerprint?

    public init(scope: StateScope, checksumKind: InstanceChecksumKind = .unknown,
                entries: StateTable = [:], journal: OperationJournal = OperationJournal(),
                lastWriteNanoseconds: Int64? = nil) {
        self.scope = scope
        self.checksumKind = checksumKind
        self.entries = entries
        self.journal = journal
        self.lastWriteNanoseconds = lastWriteNanoseconds
    }

    /// Whether the file at `key` must be hashed again before its recorded SHA-256 can be trusted:
    /// no record, a different identity, or a *racy* one (git's rule): a file changed at or after
    /// the moment the state was written may have changed again within the same timestamp tick,
    /// so an unchanged `lstat` proves nothing. Uses the later of mtime and ctime, since mtime can be
    /// set backwards (`touch -d`) but ctime cannot.
    public func needsRehash(key: ItemKey, current: FileStatus) -> Bool {
        needsRehash(entries[key], current: current)
    }

    /// `needsRehash(key:current:)` for an entry already found.
    public func needsRehash(_ entry: StateEntry?, current: FileStatus) -> Bool {
        guard let entry, let identity = entry.identity, entry.sha256 != nil else { return true }
        guard identity.matches(current) else { return true }
        guard let written = lastWriteNanoseconds else { return true }
        let changed = max(current.modificationTimeNanoseconds, current.changeTimeNanoseconds)
        return changed >= written - Self.racyMarginNanoseconds
    }

    /// Applies one change. Changes are idempotent where the operation allows it.
    public mutating func apply(_ change: StateChange) {
        switch change {
        case .hashed(let key, let path, let status, let digest):
            var entry = entries[key] ?? StateEntry(path: path)
            entry.path = path
            entry.identity = FileIdentity(status)
            entry.sha256 = digest
            entries[key] = entry
        case .recordRemote(let key, let path, let record):
            var entry = entries[key] ?? StateEntry(path: path)
            if var record, let previous = entry.remote, previous.contentSHA256 == record.contentSHA256, previous.itemID == record.itemID {
                record.reindexAttempts = max(record.reindexAttempts, previous.reindexAttempts)
                entry.remote = record
            } else {
                entry.remote = record
            }
            entries[key] = entry
        case .remoteStatus(let key, let status):
            entries[key]?.remote?.status = status
        case .reindexRequested(let key):
            entries[key]?.remote?.reindexAttempts += 1
        case .forget(let key):
            entries[key] = nil
            journal.forget(key)
        case .checksumKind(let kind):
            checksumKind = kind
        case .enqueue(let operation):
            journal.enqueue(operation)
        case .completed(let key):
            journal.complete(key)
        case .retryableFailure(let key, let error, let next):
            journal.recordRetryableFailure(key, error: error, nextAttemptNanoseconds: next)
        case .terminalFailure(let failure):
            journal.recordTerminalFailure(failure)
        case .remoteFingerprint(let fingerprint):
            remoteFingerprint = fingerprint
        case .remoteChanged:
            remoteFingerprint?.evidence = nil
        }
    }

    public mutating func apply(_ changes: some Sequence<StateChange>) {
        for change in changes { apply(change) }
    }
}

extension StateChange {
    /// The key whose rows the change touches; nil for instance-wide changes.
    var key: ItemKey? {
        switch self {
        case .hashed(let key, _, _, _), .recordRemote(let key, _, _), .remoteStatus(let key, _), .reindexRequested(let key),
             .forget(let key), .completed(let key), .retryableFailure(let key, _, _):
            key
        case .enqueue(let operation): operation.key
        case .terminalFailure(let failure): failure.key
        case .checksumKind, .remoteFingerprint, .remoteChanged: nil
        }
    }
}

/// One change to a `SyncState`, as the scanner and the executor report them.
public enum StateChange: Hashable, Sendable {
    /// The local file was hashed with this `lstat` result.
    case hashed(ItemKey, path: FilePathBytes, status: FileStatus, sha256: SHA256Digest)
    /// The remote item is now known to be `record` (upload answer, adoption, verified download),
    /// or gone (nil: deleted). Re-index attempts carry over while item and content stay the same.
    case recordRemote(ItemKey, path: FilePathBytes, record: RemoteRecord?)
    /// A fresh listing or poll reported this status for the recorded item.
    case remoteStatus(ItemKey, Item.Status)
    /// A `PATCH` re-index was sent for the recorded content.
    case reindexRequested(ItemKey)
    /// The key left both the tree and the instance.
    case forget(ItemKey)
    /// The instance's checksum kind was learned.
    case checksumKind(InstanceChecksumKind)
    case enqueue(PendingOperation)
    case completed(ItemKey)
    case retryableFailure(ItemKey, error: String, nextAttemptNanoseconds: Int64)
    case terminalFailure(TerminalFailure)
    /// The instance was read whole (or probed) and looks like this.
    case remoteFingerprint(RemoteFingerprint?)
    /// This agent changed the instance: the recorded evidence no longer describes it.
    case remoteChanged
}
