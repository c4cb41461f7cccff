/// What one sync round will do, and why; the planner's answer. Every list is sorted by key.
/// Codable for `aisearch-sync plan --json`.
public struct SyncPlan: Hashable, Sendable, Codable {
    public var uploads: [UploadAction] = []
    public var deletes: [DeleteAction] = []
    public var reindexes: [ReindexAction] = []
    public var adoptions: [AdoptAction] = []
    public var verifications: [VerifyAction] = []
    public var skips: [SkipAction] = []
    /// Files whose item already holds their content and is indexed or on its way: counted, not
    /// listed (one record per unchanged file was most of a plan at 100,000 files).
    public var unchangedCount = 0
    /// State records of recorded items whose status changed; no request.
    public var statusUpdates: [StatusUpdate] = []
    /// State entries of keys gone from both the tree and the instance.
    public var forgotten: [ItemKey] = []
    /// Items under the prefix that are not ours, left alone (unless `--delete-foreign`).
    public var foreign: [ForeignItem] = []
    /// Keys another writer changed under us this round; reported once, then left alone.
    public var contested: [ContestedKey] = []
    /// The instance's checksum kind, when this plan learned it (nil: nothing new).
    public var detectedChecksumKind: InstanceChecksumKind?
    /// Why every delete was withheld, if one was.
    public var deleteGuard: DeleteGuard?
    /// Set when the deletes exceeded `--max-delete` and were withheld.
    public var deleteRefusal: DeleteRefusal?
    /// The deletes the guard or the refusal dropped, for the report.
    public var withheldDeletes: [DeleteAction] = []
    public var cost: PlanCost = PlanCost()

    public init() {}

    /// Whether the plan sends no request and changes no state.
    public var isEmpty: Bool {
        uploads.isEmpty && deletes.isEmpty && reindexes.isEmpty && adoptions.isEmpty && verifications.isEmpty
            && statusUpdates.isEmpty && forgotten.isEmpty && contested.isEmpty && detectedChecksumKind == nil
    }

    /// The state changes that need no request: adoptions, status updates, forgotten keys, the
    /// checksum kind, contested keys let go. The executor applies them as soon as it accepts the plan.
    public func bookkeeping(atNanoseconds now: Int64) -> [StateChange] {
        var changes: [StateChange] = []
        if let detectedChecksumKind { changes.append(.checksumKind(detectedChecksumKind)) }
        changes += adoptions.map { .recordRemote($0.key, path: $0.path, record: $0.record) }
        changes += statusUpdates.map { .remoteStatus($0.key, $0.status) }
        changes += forgotten.map { .forget($0) }
        for contest in contested {
            changes.append(.recordRemote(contest.key, path: contest.path, record: nil))
            if let sha256 = contest.sha256 {
                changes.append(.terminalFailure(TerminalFailure(key: contest.key, kind: .upload, contentSHA256: sha256, httpStatus: nil,
                                                                message: contest.explanation, recordedAtNanoseconds: now)))
            }
        }
        return changes
    }
}

/// Why no delete is made this round.
public enum DeleteGuard: Hashable, Sendable, Codable, CustomStringConvertible {
    case rootMissing
    /// The root holds no file although the state or the instance says it held some.
    case rootEmpty(recordedFiles: Int)
    case scanErrors([ScanError])
    case incompleteListing

    public var description: String {
        switch self {
        case .rootMissing:
            "the root directory is missing (unmounted or removed?); no item is deleted until it is back"
        case .rootEmpty(let count):
            "the root directory is empty but held \(count) file(s); no item is deleted (pass --allow-empty-root if this is intended)"
        case .scanErrors(let errors):
            "the scan could not read \(errors.count) path(s) (first: \(errors.first.map(\.description) ?? "?")); no item is deleted until a clean scan"
        case .incompleteListing:
            "the item listing was incomplete; no item is deleted until a full listing"
        }
    }
}

/// Deletes refused by `--max-delete`.
public struct DeleteRefusal: Hashable, Sendable, Codable, CustomStringConvertible {
    public var wanted: Int
    public var limit: Int
    public var owned: Int
    public var policy: DeletionLimit

    public var description: String {
        "refusing to delete \(wanted) of \(owned) owned item(s): --max-delete \(policy) allows \(limit); "
            + "check the folder, or pass a larger --max-delete (a count or a percentage) to proceed"
    }
}

/// What a plan costs in API requests and, under the current budget, in time.
public struct PlanCost: Hashable, Sendable, Codable {
    /// One per upload, delete, re-index and verification download.
    public var requests: Int = 0
    /// `requests` plus one upload per verification that finds a difference.
    public var worstCaseRequests: Int = 0
    /// Seconds beyond the bucket's current tokens, at the refill rate, for `requests`.
    public var estimatedSeconds: Double = 0
    public var worstCaseSeconds: Double = 0
    /// For an R2-backed instance: object writes and deletes over the S3 API (a budget of its own,
    /// not the REST API's), and whether the round indexes them with one sync job.
    public var objectWrites = 0
    public var indexesWithSyncJob = false

    public init() {}
}
