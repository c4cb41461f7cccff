import LinuxSystem
import Observability
import Synchronization

/// What `sync` shows while it works: the count, the rate, the time left, and, while the request
/// budget holds requests back, the wait itself ("waiting for the request budget, resumes in
/// 2 m 10 s"), counted down once a second on a terminal. Off a terminal the count is written
/// every tenth of the way and each wait is one log line (see `SyncSessions`), never one line
/// per request. Thread-safe.
final class SyncProgress: Sendable {
    private struct State {
        var done = 0
        var total = 0
        var key = ""
        var started: ContinuousClock.Instant?
        var waitingUntil: ContinuousClock.Instant?
        var ticker: Task<Void, Never>?
        var isFinished = false
        /// Set once the sessions are open: with `--log-format json`, the steps off a terminal are records.
        var logger: Logger?
    }

    let line: ProgressLine
    /// Whether the bar redraws in place (a terminal, human logs).
    let isLive: Bool
    private let state = Mutex(State())

    init(line: ProgressLine, isLive: Bool) {
        self.line = line
        self.isLive = isLive
    }

    /// Off a terminal with `--log-format json`, steps are written as `sync_progress` records to `logger`.
    func attach(_ logger: Logger) {
        state.withLock { $0.logger = logger }
    }

    /// `done` of `total` actions finished, the last on `key`.
    func advance(done: Int, total: Int, key: String) {
        let now = ContinuousClock.now
        var record: Logger?
        let text: String? = state.withLock { state in
            guard !state.isFinished else { return nil }
            if state.started == nil { state.started = now }
            state.done = done
            state.total = total
            state.key = key
            if let until = state.waitingUntil, until <= now { state.waitingUntil = nil }
            guard isLive || done == total || total == 0 || (done * 10 / total) != ((done - 1) * 10 / total) else { return nil }
            if !isLive, let logger = state.logger, logger.format == .json { record = logger }
            return Self.render(state, now: now)
        }
        guard let text else { return }
        if let record {
            record.info("sync_progress", text, fields: ["done": .int(done), "total": .int(total)])
        } else {
            line.update(text)
        }
    }

    /// A request waits for the budget until `until`: shown on a terminal, counted down.
    func waiting(until: ContinuousClock.Instant) {
        guard isLive else { return }
        let startTicker: Bool = state.withLock { state in
            guard !state.isFinished, state.total > 0 else { return false }
            if let current = state.waitingUntil, current >= until { return false }
            state.waitingUntil = until
            return state.ticker == nil
        }
        guard startTicker else { return }
        let ticker = Task { [weak self] in
            while let self, !Task.isCancelled {
                let text: String? = self.state.withLock { state in
                    guard !state.isFinished, state.waitingUntil != nil else { return nil }
                    return Self.render(state, now: .now)
                }
                guard let text else { break }
                self.line.update(text)
                try? await JobPoolClock().sleep(for: .seconds(1))
            }
            self?.state.withLock { $0.ticker = nil }
        }
        state.withLock { $0.ticker = ticker }
    }

    /// Stops the countdown and removes the bar.
    func finish() {
        let ticker = state.withLock { state in
            state.isFinished = true
            defer { state.ticker = nil }
            return state.ticker
        }
        ticker?.cancel()
        line.clear()
    }

    /// `syncing 120/2477 [#---------] 3.9/s, about 10 m left  docs/a.md`, or while waiting
    /// `syncing 1184/2477 [####------] waiting for the request budget, resumes in 2 m 10 s`.
    private static func render(_ state: State, now: ContinuousClock.Instant) -> String {
        let head = "syncing \(state.done)/\(state.total) \(ProgressBar.render(done: state.done, total: state.total))"
        if let until = state.waitingUntil, until > now {
            return head + " waiting for the request budget, resumes in \(HumanDuration.text(until - now))"
        }
        guard let started = state.started, state.done > 1, state.done < state.total else { return head + " " + state.key }
        let elapsed = now - started
        let seconds = HumanDuration.seconds(elapsed)
        guard seconds >= 1 else { return head + " " + state.key }
        let rate = Double(state.done - 1) / seconds
        let left = Double(state.total - state.done) / rate
        let rateText = rate >= 10 ? String(Int(rate.rounded())) : String(Double(Int(rate * 10)) / 10)
        return head + " \(rateText)/s, about \(HumanDuration.text(seconds: left)) left  \(state.key)"
    }
}
