import Hashing
/// A request the agent owes the server for one key.
public enum OperationKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// `POST …/items` with the file's content (new or changed).
    case upload
    /// `DELETE …/items/{id}`.
    case delete
    /// `PATCH …/items/{id}` `{next_action: "INDEX"}`.
    case reindex
}

/// An operation not yet acknowledged by the server, kept across restarts so a crash or a
/// rate-limit pause loses nothing. At most one per key (see `OperationJournal.enqueue`).
public struct PendingOperation: Hashable, Sendable {
    public var key: ItemKey
    public var kind: OperationKind
    /// The content the operation is for (upload, reindex); nil for a delete.
    public var contentSHA256: SHA256Digest?
    /// The item acted on (delete, reindex); nil for an upload.
    public var itemID: String?
    /// Failed tries so far.
    public var attempts: Int
    /// Not to be tried before this wall-clock time (nanoseconds since the epoch); 0 = now.
    public var nextAttemptNanoseconds: Int64
    /// The last retryable failure, one line, for `status` output.
    public var lastError: String?

    public init(key: ItemKey, kind: OperationKind, contentSHA256: SHA256Digest? = nil, itemID: String? = nil,
                attempts: Int = 0, nextAttemptNanoseconds: Int64 = 0, lastError: String? = nil) {
        self.key = key
        self.kind = kind
        self.contentSHA256 = contentSHA256
        self.itemID = itemID
        self.attempts = attempts
        self.nextAttemptNanoseconds = nextAttemptNanoseconds
        self.lastError = lastError
    }
}

/// A failure the server will give again for the same request (a 4xx other than 408, 409, 429):
/// recorded with the content it was for, so the agent does not retry it until the file changes.
public struct TerminalFailure: Hashable, Sendable {
    public var key: ItemKey
    public var kind: OperationKind
    /// The content that failed; nil for a delete.
    public var contentSHA256: SHA256Digest?
    /// The HTTP status, when there was one.
    public var httpStatus: Int?
    public var message: String
    public var recordedAtNanoseconds: Int64

    public init(key: ItemKey, kind: OperationKind, contentSHA256: SHA256Digest?, httpStatus: Int?,
                message: String, recordedAtNanoseconds: Int64) {
        self.key = key
        self.kind = kind
        self.contentSHA256 = contentSHA256
        self.httpStatus = httpStatus
        self.message = message
        self.recordedAtNanoseconds = recordedAtNanoseconds
    }
}

/// The operation journal: what is owed (`pending`) and what must not be retried
/// (`terminalFailures`). A value; `StateStore` persists it with the rest of `SyncState`.
public struct OperationJournal: Hashable, Sendable {
    public private(set) var pending: [ItemKey: PendingOperation] = [:]
    public private(set) var terminalFailures: [ItemKey: TerminalFailure] = [:]

    public init() {}

    /// Adds `operation`, coalesced with the one already pending for its key (see
    /// `coalesce(earlier:later:)`). New content clears a terminal failure recorded for other content.
    public mutating func enqueue(_ operation: PendingOperation) {
        let merged = pending[operation.key].map { coalesce(earlier: $0, later: operation) } ?? operation
        pending[operation.key] = merged
        if let failure = terminalFailures[operation.key], failure.contentSHA256 != merged.contentSHA256 || failure.kind != merged.kind {
            terminalFailures[operation.key] = nil
        }
    }

    /// The server acknowledged the pending operation of `key`.
    public mutating func complete(_ key: ItemKey) {
        pending[key] = nil
    }

    /// A retryable failure: counts the attempt and sets when to try again.
    public mutating func recordRetryableFailure(_ key: ItemKey, error: String, nextAttemptNanoseconds: Int64) {
        guard var operation = pending[key] else { return }
        operation.attempts += 1
        operation.lastError = error
        operation.nextAttemptNanoseconds = nextAttemptNanoseconds
        pending[key] = operation
    }

    /// A terminal failure: the operation leaves the queue and is remembered against its content.
    public mutating func recordTerminalFailure(_ failure: TerminalFailure) {
        pending[failure.key] = nil
        terminalFailures[failure.key] = failure
    }

    /// The terminal failure of `kind` recorded for `key` with exactly this content, if any.
    public func terminalFailure(for key: ItemKey, kind: OperationKind, contentSHA256: SHA256Digest?) -> TerminalFailure? {
        guard let failure = terminalFailures[key], failure.kind == kind else { return nil }
        if kind == .delete { return failure }
        return failure.contentSHA256 == contentSHA256 ? failure : nil
    }

    /// Drops everything about `key` (the key left the tree and the instance).
    public mutating func forget(_ key: ItemKey) {
        pending[key] = nil
        terminalFailures[key] = nil
    }

    /// Sets or clears one key's pending operation and terminal failure (a journal record's rows).
    mutating func restore(key: ItemKey, pending operation: PendingOperation?, terminalFailure failure: TerminalFailure?) {
        pending[key] = operation
        terminalFailures[key] = failure
    }

    /// Replaces the contents wholesale (used by the state file decoder).
    mutating func restore(pending: [PendingOperation], terminalFailures: [TerminalFailure]) {
        self.pending = Dictionary(pending.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
        self.terminalFailures = Dictionary(terminalFailures.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
    }
}
