import AISearchAPI
import FileWatch
import LinuxSystem
import Observability
import SyncCore

/// `watch`'s loop for one sync, as one serial service: every round (the initial sync, a
/// watcher batch, a rescan, a changed rule file, a safety rescan, the recovery check after a
/// kill, a retry of failed operations) runs here, one at a time, so no two rounds ever overlap
/// and nothing is compared against a listing another round is changing.
///
/// Failures are handled by `FailureVerdict`: a retryable one (an outage, a full state disk) is
/// logged at once with its reason, shown on `/healthz`, and retried with capped backoff while
/// the work it owes waits; a fatal one ends the loop with an `AgentError`. The loop sleeps on
/// the injected clock only until its next deadline and not at all while nothing is due.
public struct WatchLoop: Sendable {
    /// Starts a watch and returns its batches: `FileWatcher.events()` in production.
    public typealias BatchSource = @Sendable () -> AsyncThrowingStream<WatchBatch, any Error>

    public struct Timing: Sendable {
        /// First wait after a failed round or save; doubles up to `maximumBackoff`.
        public var initialBackoff: Duration = .seconds(1)
        public var maximumBackoff: Duration = .seconds(60)
        /// After a kill: the full comparison runs this long after start (and after the initial
        /// sync), when the killed agent's requests can no longer land.
        public var recoveryDelay: Duration
        /// A full comparison this often; nil for never.
        public var safetyRescan: Duration?

        public init(recoveryDelay: Duration, safetyRescan: Duration?) {
            self.recoveryDelay = recoveryDelay
            self.safetyRescan = safetyRescan
        }
    }

    let session: AgentSession
    let batches: BatchSource
    let telemetry: AgentTelemetry
    let tracker: CompletionTracker?
    let clock: AgentClock
    let control: AgentControl
    let timing: Timing
    /// Wall-clock nanoseconds since the epoch (the journal's retry times are wall-clock).
    let wallClock: @Sendable () -> Int64

    public init(session: AgentSession, batches: @escaping BatchSource, telemetry: AgentTelemetry, tracker: CompletionTracker?,
                clock: AgentClock, control: AgentControl, timing: Timing,
                wallClock: @escaping @Sendable () -> Int64 = wallClockNanoseconds) {
        self.session = session
        self.batches = batches
        self.telemetry = telemetry
        self.tracker = tracker
        self.clock = clock
        self.control = control
        self.timing = timing
        self.wallClock = wallClock
    }

    var name: String { session.settings.root }

    /// Runs until a stop or reload is requested (returns) or a fatal failure (throws
    /// `AgentError`). Cancellation ends it at once.
    public func run() async throws {
        telemetry.health.register(name)
        telemetry.metrics.prepare(instance: session.instance)
        let (inbox, post) = AsyncStream<LoopEvent>.makeStream()
        let listener = control.addListener { post.yield(.control) }
        defer { control.removeListener(listener) }
        var state = LoopState(backoff: Backoff(initial: timing.initialBackoff, maximum: timing.maximumBackoff))
        if session.previousRunInterrupted {
            state.recoveryDue = clock.now() + timing.recoveryDelay
            session.logger.notice("recovery_scheduled", "the previous run on this state was interrupted; comparing everything again once the initial sync is done and \(HumanDuration.text(timing.recoveryDelay)) have passed, to catch requests it left in flight")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var watcherGeneration = 0
            func startWatcher() {
                watcherGeneration += 1
                let generation = watcherGeneration
                let batches = self.batches
                group.addTask {
                    do {
                        for try await batch in batches() { post.yield(.batch(batch, generation: generation)) }
                        post.yield(.watcherEnded(nil, generation: generation))
                    } catch {
                        post.yield(.watcherEnded(error, generation: generation))
                    }
                }
            }
            startWatcher()
            telemetry.health.setWatcherAlive(true, root: name)
            let alarm = Alarm(clock: clock, post: post)
            defer { alarm.cancel() }
            var iterator = inbox.makeAsyncIterator()
            while true {
                try Task.checkCancellation()
                if control.request != .none { break }
                if state.watcherRestartDue.map({ clock.now() >= $0 }) == true {
                    state.watcherRestartDue = nil
                    session.logger.notice(.watcherStarted, "starting the watcher again")
                    startWatcher()
                    telemetry.health.setWatcherAlive(true, root: name)
                }
                try await doOwedWork(&state)
                if control.request != .none { break }
                alarm.arm(at: await nextDeadline(state))
                guard let event = await iterator.next() else { break }
                switch event {
                case .batch(let batch, let generation) where generation == watcherGeneration:
                    absorb(batch, into: &state)
                case .watcherEnded(let error, let generation) where generation == watcherGeneration:
                    let delay = state.watcherBackoff.next()
                    let reason = error.map { "\($0)" } ?? "its event stream ended"
                    session.logger.error(.watcherFailed, "the watcher stopped (\(reason)); starting it again in \(HumanDuration.text(delay)), then comparing everything")
                    telemetry.health.setWatcherAlive(false, root: name, reason: reason)
                    state.watcherRestartDue = clock.now() + delay
                    state.owesFullComparison = true
                default:
                    break  // a timer, a control request, or a stale watcher's event: the loop re-evaluates
                }
            }
            group.cancelAll()
        }
    }

    // MARK: - Events

    enum LoopEvent: Sendable {
        case batch(WatchBatch, generation: Int)
        case watcherEnded((any Error)?, generation: Int)
        case timer
        case control
    }

    private func absorb(_ batch: WatchBatch, into state: inout LoopState) {
        if batch.rootState == .missing {
            if !state.rootMissing {
                session.logger.error("root_missing", "the folder \(session.root) is missing; nothing is deleted, waiting for it to come back")
            }
            state.rootMissing = true
            return
        }
        state.rootMissing = false
        let wasReady = state.watcherReady
        state.watcherReady = true
        state.watcherBackoff.reset()
        if let reason = batch.rescanReason ?? (batch.rescan ? (wasReady ? .overflow : .startup) : nil) {
            switch reason {
            case .startup:
                if state.initialDone { state.owesFullComparison = true }  // a restarted watcher: events may be lost
            case .overflow:
                session.logger.warning(.watcherOverflow, "events were lost (inotify queue overflow); rescanning the folder")
                telemetry.health.setUnrecoveredOverflow(true, root: name)
                state.owesRescan = state.owesRescan ?? .overflow
            case .mountChanged:
                session.logger.warning("mount_changed", "the mounts at or below \(session.root) changed; watching again and rescanning the folder")
                state.owesRescan = state.owesRescan ?? .mountChanged
            case .rootReturned:
                session.logger.notice("root_returned", "the folder \(session.root) is back; comparing everything")
                state.owesFullComparison = true
            }
        }
        for directory in batch.rulesChanged {
            let place = directory.isEmpty ? "the folder's top" : "\(directory)/"
            let files = session.ignoreRules.ruleFileNames.map(\.description).joined(separator: " or ")
            session.logger.notice("ignore_rules_changed", "a rule file (\(files)) in \(place) changed; re-evaluating \(directory.isEmpty ? "the whole folder" : "\(directory)/")")
            if directory.isEmpty { state.owesRescan = state.owesRescan ?? .ignoreRules } else { state.ruleDirectories.insert(directory) }
        }
        for path in batch.changed {
            state.removed.remove(path)
            state.changed.insert(path)
        }
        for path in batch.removed {
            state.changed.remove(path)
            state.removed.insert(path)
        }
        telemetry.health.setBacklog(state.changed.count + state.removed.count, root: name)
    }

    // MARK: - Work

    /// Runs what is owed, most thorough first, unless a failure's backoff is still running.
    private func doOwedWork(_ state: inout LoopState) async throws {
        guard state.watcherReady, !state.rootMissing else { return }
        let now = clock.now()
        if let retryAt = state.retryAt, now < retryAt { return }
        do {
            if state.owesSave {
                try await session.engine.save()
                state.owesSave = false
            }
            while let (label, reason, kind) = nextRound(&state, now: clock.now()) {
                let round = try await run(kind)
                state.record(kind)
                if kind == .full || kind == .fullListing {
                    if !state.initialDone, let warning = session.shortenedKeysWarning(round) {
                        session.logger.warning("keys_shortened", warning)
                    }
                    state.initialDone = true
                    telemetry.health.markInitialReconcileDone(root: name)
                    state.safetyDue = timing.safetyRescan.map { clock.now() + $0 }
                }
                if case .rescan = kind { telemetry.health.setUnrecoveredOverflow(false, root: name) }
                await finish(round, label: label, rescan: reason, observesLatency: kind.observesLatency, state: &state)
                state.owesSave = true
                try await session.engine.save()
                state.owesSave = false
                if control.request != .none { break }
            }
            if state.retryAt != nil {
                session.logger.notice("agent_recovered", "working again after \(state.failures) failed attempt(s)")
                telemetry.health.setFailure(nil, root: name)
            }
            state.retryAt = nil
            state.failures = 0
            state.backoff.reset()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            switch FailureVerdict.classify(error, instance: session.instance) {
            case .fatal(let failure):
                session.logger.error("agent_failed", "\(failure.message)")
                throw failure
            case .retryable(let reason):
                let delay = state.backoff.next()
                state.failures += 1
                state.retryAt = clock.now() + delay
                let what = state.owesSave ? "saving the state" : state.initialDone ? "a round" : "the initial sync"
                session.logger.error("round_failed", "\(what) failed: \(reason); trying again in \(HumanDuration.text(delay)) (attempt \(state.failures + 1))")
                telemetry.health.setFailure("\(what) failed: \(reason); retrying", root: name)
            }
        }
    }

    /// The next round owed at `now`, most thorough first: a full comparison covers a rescan,
    /// which covers rule-file and path rounds.
    private func nextRound(_ state: inout LoopState, now: Duration) -> (String, AgentMetrics.RescanReason?, RoundKind)? {
        if !state.initialDone { return ("initial sync", .startup, .full) }
        if state.recoveryDue.map({ now >= $0 }) == true {
            state.recoveryDue = nil
            return ("recovery check", .recovery, .fullListing)
        }
        if state.owesFullComparison { return ("full comparison", .watcherRestarted, .full) }
        if state.safetyDue.map({ now >= $0 }) == true { return ("safety rescan", .safety, .full) }
        if let reason = state.owesRescan { return ("rescan", reason, .rescan) }
        if !state.ruleDirectories.isEmpty { return ("ignore rules changed", nil, .paths(state.ruleDirectories, [], latency: false)) }
        if !state.changed.isEmpty || !state.removed.isEmpty { return ("change", nil, .paths(state.changed, state.removed, latency: true)) }
        if let due = state.retryDueWall, wallClock() >= due {
            state.retryDueWall = nil
            return ("retry", nil, .retries)
        }
        return nil
    }

    private func run(_ kind: RoundKind) async throws -> SyncEngine.Round {
        switch kind {
        case .full: try await session.engine.reconcile()
        case .fullListing: try await session.engine.reconcile(listEverything: true)
        case .rescan: await session.engine.rescan()
        case .paths(let changed, let removed, _): await session.engine.apply(changed: changed, removed: removed)
        case .retries:
            await session.engine.apply(changed: await session.engine.keysDueForRetry(nowNanoseconds: wallClock()), removed: [])
        }
    }

    /// The earliest moment the loop must wake by itself; nil when nothing is timed (idle).
    private func nextDeadline(_ state: LoopState) async -> Duration? {
        var deadlines: [Duration] = []
        if let retryAt = state.retryAt { deadlines.append(retryAt) }
        if let restart = state.watcherRestartDue { deadlines.append(restart) }
        if state.initialDone {
            if let due = state.recoveryDue { deadlines.append(due) }
            if let due = state.safetyDue { deadlines.append(due) }
        }
        if let wallDue = await session.engine.nextRetryDueNanoseconds() {
            let wait = Duration.nanoseconds(max(0, wallDue - wallClock()))
            deadlines.append(clock.now() + wait)
        }
        return deadlines.min()
    }

    /// Logs, counts, reports left-out files once, and hands uploads to the completion tracker.
    private func finish(_ round: SyncEngine.Round, label: String, rescan: AgentMetrics.RescanReason?, observesLatency: Bool,
                        state: inout LoopState) async {
        let changes = round.report.uploaded.count + round.report.deleted.count + round.report.reindexed.count
        let withheld = round.plan.deleteGuard != nil || round.plan.deleteRefusal != nil
        if changes > 0 || withheld || !round.report.failures.isEmpty || rescan != nil {
            RoundLog.record(round, label: label, logger: session.logger)
        }
        state.leftOut.report(round, isFull: round.kind != .incremental, logger: session.logger)
        telemetry.record(round, instance: session.instance, rescan: rescan, observesLatency: observesLatency)
        // A round that ran but whose every request failed (an outage of the write path, with the
        // listing still answering) is as much an outage as a round that threw: /healthz says so
        // until a request goes through again.
        let retryable = round.report.failures.filter { !$0.isTerminal }
        if changes == 0, !retryable.isEmpty, retryable.count == round.report.failures.count {
            telemetry.health.setFailure("every request of the last round failed (\(retryable.count); first: \(retryable[0])); retrying", root: name)
        } else if changes > 0 {
            telemetry.health.setFailure(nil, root: name)
        }
        let authFailures = round.report.failures.filter { $0.httpStatus == 401 || $0.httpStatus == 403 }
        if !authFailures.isEmpty, authFailures.count == round.report.failures.count, changes == 0 {
            telemetry.health.recordAuthFailure()
        } else if round.report.requests > 0 {
            telemetry.health.recordAuthSuccess()
        }
        let counts = await session.engine.counts()
        state.retryDueWall = await session.engine.nextRetryDueNanoseconds()
        telemetry.metrics.setFilesTracked(counts.filesTracked, instance: session.instance)
        telemetry.metrics.setPendingRetries(counts.pendingRetries, instance: session.instance)
        telemetry.metrics.setBacklog(state.changed.count + state.removed.count + counts.pendingOperations, instance: session.instance)
        telemetry.health.setBacklog(state.changed.count + state.removed.count + counts.pendingOperations, root: name)
        if let tracker, observesLatency { await tracker.track(round.report.touched) }
        // A full round allocates per tracked file (listing, snapshot, plan); give it back.
        if rescan != nil { releaseFreeHeapMemory() }
    }
}

/// What a round covers.
enum RoundKind: Sendable, Equatable {
    /// Know the instance (one request when its evidence matches the record), scan the tree.
    case full
    /// List the whole instance, scan the tree (the recovery check after a kill).
    case fullListing
    /// Scan the tree against the state's record of the instance.
    case rescan
    /// Scan these paths (directories whole).
    case paths(Set<FilePathBytes>, Set<FilePathBytes>, latency: Bool)
    /// Retry failed operations whose back-off has passed.
    case retries

    var observesLatency: Bool {
        switch self {
        case .paths(_, _, let latency): latency
        case .retries: true
        default: false
        }
    }
}
