import AISearchAPI

/// What executing one plan did, for the command's summary, `--json`, logs and metrics.
public struct ExecutionReport: Sendable, Encodable, Hashable {
    /// Whether this agent may have changed the instance: a request that changes items succeeded,
    /// or failed (it may have landed all the same).
    public var changedRemote: Bool {
        !uploaded.isEmpty || !deleted.isEmpty || !reindexed.isEmpty || !failures.isEmpty
    }

    /// One action that did not succeed.
    public struct Failure: Sendable, Codable, Hashable, CustomStringConvertible {
        public var key: ItemKey
        public var operation: String
        public var message: String
        public var httpStatus: Int?
        /// The server will refuse the same request again (4xx other than 408/429): not retried
        /// until the file changes.
        public var isTerminal: Bool

        public var description: String { "\(operation) \(key): \(message)" }
    }

    /// An item that ended `error` or `skipped` after `--wait` followed it.
    public struct UnindexedItem: Sendable, Codable, Hashable {
        public var key: ItemKey
        public var itemID: String
        public var status: Item.Status
        public var error: String?
        public var lastLog: String?
    }

    /// An item this round uploaded or asked to re-index: for logs and the latency histogram.
    public struct Touched: Sendable, Codable, Hashable {
        public var key: ItemKey
        public var itemID: String
        /// The file's modification time (ns since the epoch): when the change being synced was made.
        public var changedAtNanoseconds: Int64?
        /// When the API accepted the upload (ns since the epoch).
        public var acceptedAtNanoseconds: Int64?
        /// When `--wait` saw the item `completed` (ns since the epoch).
        public var completedAtNanoseconds: Int64?
    }

    public var uploaded: [ItemKey] = []
    public var deleted: [ItemKey] = []
    public var reindexed: [ItemKey] = []
    /// Verified by download to hold the file's content already (no upload needed).
    public var verifiedEqual: [ItemKey] = []
    public var failures: [Failure] = []
    public var unindexed: [UnindexedItem] = []
    public var requests = 0
    /// The sync job a bulk load into an R2 bucket started to index its changes, if any.
    public var jobID: String?
    public var bytesUploaded: Int64 = 0
    /// By key. `--json` lists them sorted by key rather than as an object keyed by key text:
    /// Foundation's encoder keys objects by `String`, which would merge two keys that differ only
    /// in Unicode normalisation (see `ItemKey`).
    public var touched: [ItemKey: Touched] = [:]

    public init() {}

    public var succeeded: Bool { failures.isEmpty && unindexed.isEmpty }

    mutating func merge(_ other: ExecutionReport) {
        uploaded += other.uploaded
        deleted += other.deleted
        reindexed += other.reindexed
        verifiedEqual += other.verifiedEqual
        failures += other.failures
        unindexed += other.unindexed
        requests += other.requests
        jobID = other.jobID ?? jobID
        bytesUploaded += other.bytesUploaded
        touched.merge(other.touched) { _, later in later }
    }

    enum CodingKeys: String, CodingKey {
        case uploaded, deleted, reindexed, verifiedEqual, failures, unindexed, requests, jobID = "job_id", bytesUploaded, touched
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(uploaded, forKey: .uploaded)
        try container.encode(deleted, forKey: .deleted)
        try container.encode(reindexed, forKey: .reindexed)
        try container.encode(verifiedEqual, forKey: .verifiedEqual)
        try container.encode(failures, forKey: .failures)
        try container.encode(unindexed, forKey: .unindexed)
        try container.encode(requests, forKey: .requests)
        try container.encodeIfPresent(jobID, forKey: .jobID)
        try container.encode(bytesUploaded, forKey: .bytesUploaded)
        try container.encode(touched.values.sorted { $0.key < $1.key }, forKey: .touched)
    }
}
