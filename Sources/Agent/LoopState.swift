import FileWatch
import LinuxSystem
import Observability

/// Everything `WatchLoop` owes and when: confined to the loop's task, so a plain value.
struct LoopState {
    var backoff: Backoff
    var watcherBackoff = Backoff(initial: .seconds(1), maximum: .seconds(60))
    /// Failed attempts since the last success, and when the next may start.
    var failures = 0
    var retryAt: Duration?
    /// The watcher's first batch arrived: its watches are in place, a scan now misses nothing.
    var watcherReady = false
    var rootMissing = false
    var initialDone = false
    var owesFullComparison = false
    var owesRescan: AgentMetrics.RescanReason?
    /// Directories whose rule file changed: their subtrees are scanned again.
    var ruleDirectories: Set<FilePathBytes> = []
    var changed: Set<FilePathBytes> = []
    var removed: Set<FilePathBytes> = []
    var recoveryDue: Duration?
    var safetyDue: Duration?
    var watcherRestartDue: Duration?
    /// Wall-clock nanoseconds at which the journal's earliest failed operation may be retried.
    var retryDueWall: Int64?
    /// A round's changes are not on disk yet (the save failed).
    var owesSave = false
    var leftOut = LeftOutReporter()

    init(backoff: Backoff) { self.backoff = backoff }

    /// Forgets what a finished round covered.
    mutating func record(_ kind: RoundKind) {
        switch kind {
        case .full, .fullListing:
            owesFullComparison = false
            owesRescan = nil
            ruleDirectories = []
            changed = []
            removed = []
        case .rescan:
            owesRescan = nil
            ruleDirectories = []
            changed = []
            removed = []
        case .paths(_, _, let isChangeRound):
            if isChangeRound {
                changed = []
                removed = []
            } else {
                ruleDirectories = []
            }
        case .retries:
            break
        }
    }
}

/// Wakes the loop at its next deadline by posting `.timer`; re-arming replaces the previous
/// alarm, and no alarm at all is armed while nothing is due (an idle agent does not wake).
final class Alarm: @unchecked Sendable {
    // Touched only from the loop's task.
    private var task: Task<Void, Never>?
    private var deadline: Duration?
    private let clock: AgentClock
    private let post: AsyncStream<WatchLoop.LoopEvent>.Continuation

    init(clock: AgentClock, post: AsyncStream<WatchLoop.LoopEvent>.Continuation) {
        self.clock = clock
        self.post = post
    }

    func arm(at newDeadline: Duration?) {
        guard newDeadline != deadline || task == nil else { return }
        task?.cancel()
        task = nil
        deadline = newDeadline
        guard let newDeadline else { return }
        let clock = clock, post = post
        task = Task {
            do { try await clock.sleepUntil(newDeadline) } catch { return }
            post.yield(.timer)
        }
    }

    func cancel() {
        task?.cancel()
        task = nil
    }
}
