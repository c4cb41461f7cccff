import AISearchAPI

/// The names of the item metadata fields the agent writes.
public enum SyncMetadata {
    /// The text custom-metadata field carrying the SHA-256 (lowercase hex) of the uploaded content.
    /// Sent with every upload when the instance declares it; read back from listings so a fresh
    /// host adopts items without downloading them.
    public static let sha256Field = "aisearch_sha256"
    /// The text custom-metadata field naming the agent that uploaded an item (its `--owner`).
    /// Sent with every upload when the instance declares it; read back from listings so a fresh
    /// host knows which items are its own to delete, and so two agents writing one key notice.
    public static let ownerField = "aisearch_owner"
}

/// What the planner may do, and the inputs it must not fetch itself (time, budget).
public struct PlanOptions: Hashable, Sendable {
    /// The key prefix this agent maps its files under (`--prefix`, exactly as `KeyMapper`
    /// prepends it; "" for none). Items outside it belong to someone else and are never touched.
    public var keyPrefix: String
    /// Wall-clock time, nanoseconds since the epoch: operations in back-off until later are skipped.
    public var nowNanoseconds: Int64
    public var maxDelete: DeletionLimit
    /// `PATCH` re-index requests allowed per item and content before an `error`/`outdated` item is
    /// left alone (reported) until its content changes.
    public var maxReindexAttempts: Int
    /// Allows deleting every owned item when the root holds no file at all (off: an empty root is
    /// far more often a missing mount than an intent).
    public var allowEmptyRoot: Bool
    public var budget: BudgetForecast
    /// This agent's owner marker (`--owner`): items whose `aisearch_owner` metadata says so are
    /// ours even without a state record. "" for none (then only recorded items are ours).
    public var owner: String
    /// Deletes items under the prefix that are not ours and have no file (`--delete-foreign`),
    /// for an exact mirror. Off: foreign items are listed and left.
    public var deleteForeign: Bool
    /// Keys an earlier run of ours sent requests for without seeing the outcome: their items
    /// count as ours, and a change to them is not another writer's.
    public var keysWithUnknownOutcome: Set<ItemKey> = []
    /// Whether an unmarked item of ours that changed under us is another writer's (contested).
    /// Off for a process that started after a killed one: requests of killed runs (several
    /// generations back) may still land, and they are ours; the local file wins.
    public var contestsUnmarkedChanges = true
    /// The `source_id` of the items this agent writes: `builtin` for built-in storage, the bucket
    /// store's own for an R2-backed instance. Items of other sources are never considered.
    public var itemSource = "builtin"
    /// For an R2-backed instance: writes per round above which the round indexes with one sync
    /// job rather than one `PUT items` per key; nil for built-in storage (uploads are the API).
    public var bulkIndexThreshold: Int?

    public init(keyPrefix: String = "", nowNanoseconds: Int64 = 0, maxDelete: DeletionLimit = .percent(50),
                maxReindexAttempts: Int = 1, allowEmptyRoot: Bool = false, budget: BudgetForecast = BudgetForecast(),
                owner: String = "", deleteForeign: Bool = false) {
        self.owner = owner
        self.deleteForeign = deleteForeign
        self.keyPrefix = keyPrefix
        self.nowNanoseconds = nowNanoseconds
        self.maxDelete = maxDelete
        self.maxReindexAttempts = maxReindexAttempts
        self.allowEmptyRoot = allowEmptyRoot
        self.budget = budget
    }
}

/// The most deletions one plan may carry (`--max-delete`).
public enum DeletionLimit: Hashable, Sendable, Codable, CustomStringConvertible {
    /// At most this many.
    case count(Int)
    /// At most this percentage of the items the agent owns (rounded down).
    case percent(Double)
    case unlimited

    /// The limit for `owned` owned items.
    public func limit(owned: Int) -> Int {
        switch self {
        case .count(let count): max(0, count)
        case .percent(let percent): Int((Double(owned) * percent / 100).rounded(.down))
        case .unlimited: Int.max
        }
    }

    public var description: String {
        switch self {
        case .count(let count): "\(count)"
        case .percent(let percent): percent.rounded() == percent ? "\(Int(percent))%" : "\(percent)%"
        case .unlimited: "unlimited"
        }
    }
}

/// The API's request budget, as the client sees it now: 1,200 requests per 5 minutes per user,
/// shared with every other tool of the account, read as the client and the emulator read it
/// (`RequestWindow`: at most that many in any span of the window).
public struct BudgetForecast: Hashable, Sendable, Codable {
    public var requestsPerWindow: Int
    public var windowSeconds: Double
    /// Requests the bucket can spend at once right now.
    public var availableTokens: Double

    public init(requestsPerWindow: Int = 1200, windowSeconds: Double = 300, availableTokens: Double = 1200) {
        self.requestsPerWindow = requestsPerWindow
        self.windowSeconds = windowSeconds
        self.availableTokens = availableTokens
    }

    /// The least time `requests` take beyond what may go at once now: a whole window for every
    /// further `requestsPerWindow` (`RequestBudget.Limits.minimumDuration`).
    public func secondsToSpend(_ requests: Int) -> Double {
        guard requestsPerWindow > 0, windowSeconds > 0, windowSeconds.isFinite else { return requests > 0 ? .infinity : 0 }
        let limits = RequestBudget.Limits(requests: requestsPerWindow, period: .milliseconds(Int64(windowSeconds * 1000)))
        let duration = limits.minimumDuration(forRequests: requests, available: Int(max(0, availableTokens.rounded(.down))))
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
