/// Merges an operation into the one already pending for the same key, so the journal holds at
/// most one request per key and never sends one the next makes pointless:
///
/// | earlier \ later | upload            | reindex           | delete  |
/// |-----------------|-------------------|-------------------|---------|
/// | upload          | later (new edit)  | earlier (upload indexes) | later |
/// | reindex         | later             | earlier (same content) / later | later |
/// | delete          | later (replaces)  | earlier (item is going) | earlier |
///
/// When the later operation wins it starts fresh (no attempts, no back-off): it is a different
/// request. When the earlier one wins, its attempt count and back-off stand.
/// Pure; `OperationJournal.enqueue` uses it.
public func coalesce(earlier: PendingOperation, later: PendingOperation) -> PendingOperation {
    precondition(earlier.key == later.key, "coalescing operations of different keys")
    switch (earlier.kind, later.kind) {
    case (.upload, .upload), (.reindex, .upload), (.delete, .upload),
         (.upload, .delete), (.reindex, .delete):
        return later
    case (.upload, .reindex), (.delete, .reindex), (.delete, .delete):
        return earlier
    case (.reindex, .reindex):
        return earlier.contentSHA256 == later.contentSHA256 && earlier.itemID == later.itemID ? earlier : later
    }
}
