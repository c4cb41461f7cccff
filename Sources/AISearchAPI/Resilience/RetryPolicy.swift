/// When and how long `AISearchClient` waits before trying a call again.
///
/// Retried: HTTP 408, 429, every status ≥ 500, and transport failures (timeouts, refused or lost
/// connections), for every method. Never retried: any other 4xx. 409 is *not* retried by default,
/// unlike the Stainless SDKs (which treat it as a lock timeout): in AI Search a 409 answers a
/// create of something that already exists, and asking again cannot change that. Add it to
/// `retryableStatuses` to match the SDK.
///
/// Non-idempotent calls are retried too. An upload retried after a lost connection re-sends the
/// same key, which replaces the item rather than adding one; a create (instance, namespace) that
/// did land the first time answers 409 on the retry, which the caller sees; a retried manual job
/// can at worst start one extra sync of an external source.
///
/// The wait before retry *n* (1-based) is, in order of preference: the server's `retry-after-ms`,
/// its `Retry-After` (delta seconds or HTTP-date), or "full jitter" backoff,
/// `random(0 ..< min(maxDelay, baseDelay · 2^(n-1)))`. Every wait is capped at `maxDelay`.
public struct RetryPolicy: Sendable, Hashable, CustomStringConvertible {
    /// Total tries per call, the first included; 1 disables retries.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var retryableStatuses: Set<Int>
    public var retriesTransportErrors: Bool

    /// 408, 429 and the 5xx statuses Cloudflare answers.
    public static let defaultRetryableStatuses: Set<Int> = Set([408, 429]).union(500...599)

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(60),
                retryableStatuses: Set<Int> = Self.defaultRetryableStatuses, retriesTransportErrors: Bool = true) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.retryableStatuses = retryableStatuses.filter { !(400...499).contains($0) || $0 == 408 || $0 == 429 || $0 == 409 }
        self.retriesTransportErrors = retriesTransportErrors
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Whether an answer with this status and these headers may be tried again. A server's
    /// `x-should-retry: false` vetoes a retry.
    public func shouldRetry(status: Int, headers: TransportHeaders) -> Bool {
        if headers["x-should-retry"]?.lowercased() == "false" { return false }
        return retryableStatuses.contains(status)
    }

    /// The wait before retry number `retry` (1 for the first retry).
    /// - Parameters:
    ///   - serverDelay: what the server asked for (see `RetryAfter`), if anything.
    ///   - random: a number in `0 ..< 1`, the jitter.
    public func delay(beforeRetry retry: Int, serverDelay: Duration?, random: Double) -> Duration {
        if let serverDelay { return min(max(serverDelay, .zero), maxDelay) }
        let exponent = min(max(retry - 1, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        return ceiling * min(max(random, 0), 1)
    }

    public var description: String {
        "\(maxAttempts) attempts, backoff \(baseDelay)…\(maxDelay) with full jitter, statuses \(retryableStatuses.sorted())"
    }
}
