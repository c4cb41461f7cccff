import LinuxSystem
/// The client-side request budget that keeps an agent under the account's API rate limit
/// (Cloudflare: 1,200 requests per 5 minutes per user, shared with the dashboard and other tools).
///
/// `acquire()` lets a request go while fewer than `requests` went out in the last `period`, and
/// suspends otherwise until the oldest of them leaves the window (`RequestWindow`: the reading of
/// the limit `plan`'s estimate and the emulator share). A fresh budget lets `requests` go at once.
/// A request waits a little longer than the window (1% of it, at least 250 ms) so one that
/// reaches the server later than it left cannot be counted in the window before. Share one
/// budget between clients (one per namespace, say) that use the same credentials.
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
    private var window: RequestWindow
    /// The margin a request waits beyond the window.
    private let slack: Duration
    /// What the server said remains, until when (in `time`'s terms).
    private var serverWindow: (remaining: Int, until: Duration)?
    private var pausedUntil: Duration = .zero
    private(set) var waits = 0

    public init(limits: Limits = .cloudflareDefault, clock: any Clock<Duration> = JobPoolClock()) {
        self.limits = limits
        time = TimeSource(clock)
        window = RequestWindow(limits: limits)
        slack = max(.milliseconds(250), limits.period / 100)
    }

    /// Requests that may go out right now without waiting.
    public var remaining: Int {
        let now = time.now()
        if now < pausedUntil { return 0 }
        var left = window.remaining(at: now)
        if let server = serverWindow, now < server.until { left = min(left, server.remaining) }
        return max(0, left)
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
            if let server = serverWindow {
                if now >= server.until { serverWindow = nil }
                else if server.remaining <= 0 { wait = max(wait, server.until - now) }
            }
            let start = window.earliestStart(at: now)
            if start > now { wait = max(wait, start - now + slack) }
            if wait == .zero {
                window.record(at: now)
                if let server = serverWindow { serverWindow = (server.remaining - 1, server.until) }
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
