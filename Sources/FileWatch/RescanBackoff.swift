/// Paces "rescan the root" signals after queue overflows. The first request is signalled at
/// once; a request within `resetAfter` of the previous signal waits `initial`, then twice that,
/// up to `maximum`. Requests made while one is waiting coalesce into it. A quiet spell of
/// `resetAfter` starts the streak again. (Watchman and syncthing likewise refuse to rescan in a
/// tight loop while a tree is being flooded.)
struct RescanBackoff<Instant: InstantProtocol> where Instant.Duration == Duration {
    var initial: Duration
    var maximum: Duration
    var resetAfter: Duration

    private(set) var streak = 0
    private(set) var signalCount = 0
    private var lastSignal: Instant?
    private var requestedAt: Instant?

    init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = max(maximum, initial)
        self.resetAfter = self.maximum * 2
    }

    var isPending: Bool { requestedAt != nil }

    mutating func request(at now: Instant) {
        if requestedAt == nil { requestedAt = now }
    }

    /// When the pending request may be signalled; nil when none is pending.
    var dueTime: Instant? {
        guard let requestedAt else { return nil }
        guard let lastSignal, lastSignal.duration(to: requestedAt) < resetAfter else { return requestedAt }
        return max(requestedAt, lastSignal.advanced(by: interval(forStreak: streak)))
    }

    /// Whether a signal is due at `now`; if so, it counts as sent.
    mutating func takeIfDue(at now: Instant) -> Bool {
        guard let due = dueTime, due <= now else { return false }
        if let lastSignal, lastSignal.duration(to: now) < resetAfter + interval(forStreak: streak) {
            streak += 1
        } else {
            streak = 1
        }
        lastSignal = now
        requestedAt = nil
        signalCount += 1
        return true
    }

    /// The wait before the next signal after `streak` signals in a row.
    func interval(forStreak streak: Int) -> Duration {
        guard streak > 0 else { return .zero }
        var wait = initial
        for _ in 1..<streak where wait < maximum { wait *= 2 }
        return min(wait, maximum)
    }
}
