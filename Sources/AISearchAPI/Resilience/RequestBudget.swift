/// A client-side token bucket that keeps an agent under the account's API rate limit
/// (Cloudflare: 1,200 requests per 5 minutes per user, shared with the dashboard and other tools).
///
/// `acquire()` takes one token and suspends while none is left; tokens come back continuously at
/// `requests / period`. The bucket starts full. Share one budget between clients (one per
/// namespace, say) that use the same credentials.
///
/// The server has the last word: after `observe(_:)` of a `RateLimit` status saying *r* requests
/// remain for *t* seconds, at most *r* more go out before *t* has passed, and after a 429 the
/// client calls `pause(for:)` so that every caller waits, not just the one that was refused.
/// Time comes from the clock given at init (a `ManualClock` in tests).
public actor RequestBudget {
    public struct Limits: Sendable, Hashable, CustomStringConvertible {
        public var requests: Int
        public var period: Duration

        public init(requests: Int, period: Duration) {
            precondition(requests > 0 && period > .zero, "a budget needs requests > 0 and period > 0")
            self.requests = requests
            self.period = period
        }

        /// 1,200 requests per 300 s.
        public static let cloudflareDefault = Limits(requests: 1_200, period: .seconds(300))
        public var description: String { "\(requests) requests per \(period)" }
    }

    public let limits: Limits
    private let time: TimeSource
    /// The budget is a GCRA (the token bucket in exact `Duration` arithmetic): one request
    /// "costs" `interval`, and a request may go out while the theoretical arrival time `tat`
    /// is at most `tolerance` ahead of now. A fresh budget allows `requests` at once.
    private let interval: Duration
    private let tolerance: Duration
    private var tat: Duration
    /// What the server said remains, until when (in `time`'s terms).
    private var serverWindow: (remaining: Int, until: Duration)?
    private var pausedUntil: Duration = .zero
    private(set) var waits = 0

    public init(limits: Limits = .cloudflareDefault, clock: any Clock<Duration> = ContinuousClock()) {
        self.limits = limits
        time = TimeSource(clock)
        interval = limits.period / limits.requests
        tolerance = limits.period - interval
        tat = time.now()
    }

    /// Requests that may go out right now without waiting.
    public var remaining: Int {
        let now = time.now()
        if now < pausedUntil { return 0 }
        let used = max(tat - now, .zero)
        var left = min(limits.requests, max(0, Int(((limits.period - used) / interval).rounded(.down))))
        if let window = serverWindow, now < window.until { left = min(left, window.remaining) }
        return left
    }

    /// Takes one request from the budget, waiting as long as needed. Throws only on cancellation.
    /// - Parameter onWait: told the delay before each sleep.
    public func acquire(onWait: (@Sendable (Duration) -> Void)? = nil) async throws {
        var waited = false
        while true {
            try Task.checkCancellation()
            let now = time.now()
            var wait: Duration = .zero
            if now < pausedUntil { wait = pausedUntil - now }
            if let window = serverWindow {
                if now >= window.until { serverWindow = nil }
                else if window.remaining <= 0 { wait = max(wait, window.until - now) }
            }
            let arrival = max(tat, now)
            if arrival - now > tolerance { wait = max(wait, arrival - tolerance - now) }
            if wait == .zero {
                tat = arrival + interval
                if let window = serverWindow { serverWindow = (window.remaining - 1, window.until) }
                return
            }
            if !waited { waits += 1; waited = true }
            onWait?(wait)
            try await time.sleep(wait)
        }
    }

    /// Takes what a server's rate-limit headers said into account (see the type's description).
    public func observe(_ status: RateLimitStatus) {
        serverWindow = (status.remaining, time.now() + status.reset)
    }

    /// Holds every `acquire()` for `duration` (after a 429).
    public func pause(for duration: Duration) {
        pausedUntil = max(pausedUntil, time.now() + duration)
    }
}
