import Synchronization

/// Counters of one client (and its copies), for a `/metrics` page. A snapshot: a plain value.
public struct ClientMetrics: Sendable, Hashable {
    /// HTTP exchanges attempted, retries included.
    public var requestsSent = 0
    /// Answers by status class: `"2xx"`, `"4xx"`, ...
    public var responsesByStatusClass: [String: Int] = [:]
    /// Exchanges that got no answer (`TransportError`).
    public var transportFailures = 0
    /// Answers with status 429.
    public var rateLimitedResponses = 0
    /// Attempts after the first, over all calls.
    public var retries = 0
    /// Calls that failed after their last attempt.
    public var failedCalls = 0
    /// Requests the budget would let out right now.
    public var budgetRemaining = 0
    /// Times a request had to wait for the budget.
    public var budgetWaits = 0

    public init() {}
}

/// A pause the client is about to make, for `ClientConfiguration.waitObserver`.
public struct ClientWait: Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        /// Before attempt `attempt + 1`, after an answer with this status (nil: no answer).
        case retry(status: Int?, attempt: Int)
        /// The client-side budget (or a server's rate-limit window) is spent.
        case budget
    }

    public var reason: Reason
    /// The call, e.g. `POST /items`.
    public var endpoint: String
    public var delay: Duration
}

/// The shared, locked counters behind `ClientMetrics`.
final class MetricsRecorder: Sendable {
    private let counters = Mutex(ClientMetrics())

    func recordSent() { counters.withLock { $0.requestsSent += 1 } }

    func record(status: Int) {
        counters.withLock { metrics in
            metrics.responsesByStatusClass["\(status / 100)xx", default: 0] += 1
            if status == 429 { metrics.rateLimitedResponses += 1 }
        }
    }

    func recordTransportFailure() { counters.withLock { $0.transportFailures += 1 } }
    func recordRetry() { counters.withLock { $0.retries += 1 } }
    func recordFailedCall() { counters.withLock { $0.failedCalls += 1 } }

    var snapshot: ClientMetrics { counters.withLock { $0 } }
}
