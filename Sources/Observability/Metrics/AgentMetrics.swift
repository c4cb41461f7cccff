/// Every metric the agent exports, declared in one place so the list is the contract with
/// dashboards and alerts. Names follow the Prometheus conventions: the `aisearch_sync_` prefix,
/// base units (seconds, bytes), `_total` on counters.
///
/// | Metric | Type | Labels |
/// |---|---|---|
/// | `aisearch_sync_files_tracked` | gauge | `instance` |
/// | `aisearch_sync_uploads_total` | counter | `instance`, `outcome` |
/// | `aisearch_sync_deletes_total` | counter | `instance`, `outcome` |
/// | `aisearch_sync_reindexes_total` | counter | `instance`, `outcome` |
/// | `aisearch_sync_api_requests_total` | counter | `status` (HTTP status or class like `2xx`; `error` when no response) |
/// | `aisearch_sync_api_budget_remaining` | gauge | — |
/// | `aisearch_sync_rescans_total` | counter | `instance`, `reason` |
/// | `aisearch_sync_backlog` | gauge | `instance` |
/// | `aisearch_sync_hashed_bytes_total` | counter | `instance` |
/// | `aisearch_sync_event_to_indexed_seconds` | histogram | `instance` |
/// | `aisearch_sync_event_to_accepted_seconds` | histogram | `instance` |
///
/// Thread-safe: a `Sendable` value of handles into one `MetricsRegistry`.
public struct AgentMetrics: Sendable {
    /// How an upload, delete or reindex ended.
    public enum Outcome: String, Sendable, CaseIterable {
        case success, failure
    }

    /// Why the whole root was walked again.
    public enum RescanReason: String, Sendable, CaseIterable {
        /// The first reconcile after start.
        case startup
        /// The kernel's inotify queue overflowed (`IN_Q_OVERFLOW`); events were lost.
        case overflow
        /// The periodic safety rescan (`safety_rescan`).
        case safety
        /// Asked for by an operator or a command.
        case manual
        /// After a kill: the comparison once the killed agent's requests can no longer land.
        case recovery
        /// A mount at or below the root changed (the watches were placed again).
        case mountChanged = "mount_changed"
        /// The root's `.aisearchignore` changed: what is eligible changed everywhere.
        case ignoreRules = "ignore_rules"
        /// The watcher stopped and was started again, or the root came back.
        case watcherRestarted = "watcher_restarted"
    }

    /// Upper bounds, in seconds, of the event-to-indexed latency: from the file's last change to
    /// its item reaching `completed` (searchable).
    public static let eventToIndexedBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
    /// Upper bounds, in seconds, of the event-to-accepted latency: from the file's last change
    /// to the API accepting its upload (settle window plus hashing plus one request).
    public static let eventToAcceptedBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

    public let registry: MetricsRegistry
    public let filesTracked: Gauge
    public let uploads: Counter
    public let deletes: Counter
    public let reindexes: Counter
    public let apiRequests: Counter
    public let apiBudgetRemaining: Gauge
    public let rescans: Counter
    public let backlog: Gauge
    public let pendingRetries: Gauge
    public let hashedBytes: Counter
    public let eventToIndexed: Histogram
    public let eventToAccepted: Histogram

    /// Declares the metrics in `registry` and, for each of `instances`, creates every series at
    /// zero so they are exported (as 0) before the first event.
    public init(registry: MetricsRegistry = MetricsRegistry(), instances: [String] = []) {
        self.registry = registry
        let instance = ["instance"]
        filesTracked = registry.gauge("aisearch_sync_files_tracked",
                                      help: "Files under the root that are eligible and tracked.", labelNames: instance)
        uploads = registry.counter("aisearch_sync_uploads_total",
                                   help: "Item uploads, by outcome.", labelNames: instance + ["outcome"])
        deletes = registry.counter("aisearch_sync_deletes_total",
                                   help: "Item deletions, by outcome.", labelNames: instance + ["outcome"])
        reindexes = registry.counter("aisearch_sync_reindexes_total",
                                     help: "Reindex (sync job) requests, by outcome.", labelNames: instance + ["outcome"])
        apiRequests = registry.counter("aisearch_sync_api_requests_total",
                                       help: "Cloudflare API requests, by HTTP status (error: no response).",
                                       labelNames: ["status"])
        apiBudgetRemaining = registry.gauge("aisearch_sync_api_budget_remaining",
                                            help: "Requests left in the current rate-limit window.")
        rescans = registry.counter("aisearch_sync_rescans_total",
                                   help: "Full rescans of a root, by reason.", labelNames: instance + ["reason"])
        backlog = registry.gauge("aisearch_sync_backlog",
                                 help: "Changed paths and owed operations waiting to be hashed, uploaded or deleted.", labelNames: instance)
        pendingRetries = registry.gauge("aisearch_sync_pending_retries",
                                        help: "Failed operations waiting for their back-off to pass.", labelNames: instance)
        hashedBytes = registry.counter("aisearch_sync_hashed_bytes_total",
                                       help: "Bytes read to compute content hashes.", labelNames: instance)
        eventToIndexed = registry.histogram("aisearch_sync_event_to_indexed_seconds",
                                            help: "Seconds from a file's last change to its item reaching completed (searchable).",
                                            labelNames: instance, buckets: Self.eventToIndexedBuckets)
        eventToAccepted = registry.histogram("aisearch_sync_event_to_accepted_seconds",
                                             help: "Seconds from a file's last change to the API accepting its upload.",
                                             labelNames: instance, buckets: Self.eventToAcceptedBuckets)
        for name in instances { prepare(instance: name) }
    }

    /// Creates every series of `instance` at zero.
    public func prepare(instance name: String) {
        let labels = ["instance": name]
        filesTracked.add(0, labels: labels)
        backlog.add(0, labels: labels)
        pendingRetries.add(0, labels: labels)
        hashedBytes.touch(labels: labels)
        eventToIndexed.touch(labels: labels)
        eventToAccepted.touch(labels: labels)
        for outcome in Outcome.allCases {
            let withOutcome = ["instance": name, "outcome": outcome.rawValue]
            uploads.touch(labels: withOutcome)
            deletes.touch(labels: withOutcome)
            reindexes.touch(labels: withOutcome)
        }
        for reason in RescanReason.allCases {
            rescans.touch(labels: ["instance": name, "reason": reason.rawValue])
        }
    }

    // MARK: Typed updates

    public func recordUpload(instance: String, outcome: Outcome) {
        uploads.increment(labels: ["instance": instance, "outcome": outcome.rawValue])
    }

    public func recordDelete(instance: String, outcome: Outcome) {
        deletes.increment(labels: ["instance": instance, "outcome": outcome.rawValue])
    }

    public func recordReindex(instance: String, outcome: Outcome) {
        reindexes.increment(labels: ["instance": instance, "outcome": outcome.rawValue])
    }

    /// One API request; `status` is the HTTP status, or `nil` when no response arrived.
    public func recordAPIRequest(status: Int?) {
        apiRequests.increment(labels: ["status": status.map(String.init) ?? "error"])
    }

    public func recordRescan(instance: String, reason: RescanReason) {
        rescans.increment(labels: ["instance": instance, "reason": reason.rawValue])
    }

    public func setFilesTracked(_ count: Int, instance: String) {
        filesTracked.set(Double(count), labels: ["instance": instance])
    }

    public func setPendingRetries(_ count: Int, instance: String) {
        pendingRetries.set(Double(count), labels: ["instance": instance])
    }

    public func setBacklog(_ count: Int, instance: String) {
        backlog.set(Double(count), labels: ["instance": instance])
    }

    public func setBudgetRemaining(_ requests: Int) {
        apiBudgetRemaining.set(Double(requests))
    }

    public func recordHashed(bytes: Int, instance: String) {
        hashedBytes.increment(by: Double(bytes), labels: ["instance": instance])
    }

    public func observeEventToIndexed(_ latency: Duration, instance: String) {
        eventToIndexed.observe(latency, labels: ["instance": instance])
    }

    public func observeEventToAccepted(_ latency: Duration, instance: String) {
        eventToAccepted.observe(latency, labels: ["instance": instance])
    }
}
