/// The one reading of "N requests per window" that the client's budget, `plan`'s estimate and
/// the emulator's limiter share: at most `requests` requests in **any** span of `period` (a
/// sliding window over the send times). It is the conservative reading: a server that counts
/// fixed windows, or a sliding one, accepts everything it lets through, where a token bucket
/// that starts full could send almost twice the limit in the first window.
///
/// A value type, not thread-safe by itself: its owner (the `RequestBudget` actor, the
/// emulator's traffic actor) serialises access. Times are `Duration`s since any fixed origin and
/// must be recorded in order (a monotonic clock); queries cost O(log n), recording O(1) amortised.
public struct RequestWindow: Sendable, Hashable {
    public let limits: RequestBudget.Limits
    /// Send times in order; those before `start` have left the window.
    private var sent: [Duration] = []
    private var start = 0

    public init(limits: RequestBudget.Limits) {
        self.limits = limits
    }

    /// The index of the first send still inside the window at `now`.
    private func firstInWindow(at now: Duration) -> Int {
        var low = start
        var high = sent.count
        while low < high {
            let middle = (low + high) / 2
            if sent[middle] + limits.period > now { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Requests that may go at `now` without waiting.
    public func remaining(at now: Duration) -> Int {
        max(0, limits.requests - (sent.count - firstInWindow(at: now)))
    }

    /// When the next request may go, at `now` or later.
    public func earliestStart(at now: Duration) -> Duration {
        guard sent.count - firstInWindow(at: now) >= limits.requests else { return now }
        return max(now, sent[sent.count - limits.requests] + limits.period)
    }

    /// How long until the oldest request within the window leaves it (a slot frees); the whole
    /// period when the window is empty. The `t` of a `Ratelimit` header.
    public func reset(at now: Duration) -> Duration {
        let first = firstInWindow(at: now)
        return first < sent.count ? sent[first] + limits.period - now : limits.period
    }

    /// Counts a request sent at `time`, and forgets what has left the window.
    public mutating func record(at time: Duration) {
        sent.append(time)
        start = firstInWindow(at: time)
        if start > 1024, start > sent.count / 2 {
            sent.removeFirst(start)
            start = 0
        }
    }
}

extension RequestBudget.Limits {
    /// The least time `count` requests take under these limits when `available` of them may go
    /// at once now (all `requests` for a fresh window): every further `requests` wait a whole
    /// `period`. What `plan` states as "at least"; the requests themselves take time on top.
    public func minimumDuration(forRequests count: Int, available: Int? = nil) -> Duration {
        let free = min(requests, max(0, available ?? requests))
        guard count > free else { return .zero }
        let windows = (count - free + requests - 1) / requests
        return period * windows
    }
}
