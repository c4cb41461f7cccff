import AISearchAPI
import FileWatch
import Foundation
import LinuxSystem
import Observability
import SyncCore

/// `watch`'s loop for one sync: a full reconcile once the watcher is in place, then a round per watcher batch, a stat
/// rescan on an overflow, a retry pass for failed operations, and a full reconcile every
/// `safetyRescan`. Rounds run one at a time (the engine is an actor); cancellation ends the loop.
struct WatchLoop: Sendable {
    let session: SyncSession
    let watcher: FileWatcher
    let safetyRescan: Duration?
    let telemetry: AgentTelemetry
    /// Follows uploads to `completed` for the latency histogram; nil when not needed.
    let tracker: CompletionTracker?

    private var logger: Logger { session.logger }
    private var name: String { session.sync.root.value }

    func run() async throws {
        telemetry.health.register(name)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await followBatches() }
            if let safetyRescan {
                group.addTask {
                    try await periodically(every: safetyRescan) {
                        (try await session.engine.reconcile(), "safety rescan", .safety)
                    }
                }
            }
            group.addTask {
                try await periodically(every: .seconds(30)) {
                    let due = await session.engine.keysDueForRetry(nowNanoseconds: wallClockNanoseconds())
                    return due.isEmpty ? nil : (await session.engine.apply(changed: due, removed: []), "retry", nil)
                }
            }
            if let tracker { group.addTask { try await tracker.run() } }
            if session.previousRunInterrupted {
                // A killed agent's requests can reach the server after our initial reconcile (an
                // upload of older content, say); one more full comparison once they have landed
                // or timed out puts right whatever they changed.
                let delay = session.client.configuration.timeout + .seconds(5)
                logger.notice("recovery_scheduled", "the previous run on this state was interrupted; comparing everything again in \(delay) to catch requests it left in flight")
                group.addTask {
                    try await Task.sleep(for: delay)
                    let round = try await session.engine.reconcile()
                    await finish(round, label: "recovery check", rescan: .manual, observesLatency: false)
                    try await session.engine.save()
                }
            }
            // Only an error or cancellation ends the loop; the recovery check just finishes.
            try await group.waitForAll()
        }
    }

    private func followBatches() async throws {
        telemetry.health.setWatcherAlive(true, root: name)
        defer { telemetry.health.setWatcherAlive(false, root: name) }
        var initialDone = false
        for try await batch in watcher.events() {
            try Task.checkCancellation()
            if batch.rootState == .missing {
                logger.error("root_missing", "the folder \(session.root) is missing; nothing is deleted, waiting for it to come back")
                continue
            }
            telemetry.health.setBacklog(batch.changed.count + batch.removed.count, root: name)
            if !initialDone {
                // The watcher's first batch says its watches are in place: a full reconcile now
                // misses nothing, and a failure here (bad credentials) ends the command.
                await finish(try await session.engine.reconcile(), label: "initial sync", rescan: .startup, observesLatency: false)
                initialDone = true
                telemetry.health.markInitialReconcileDone(root: name)
            } else if batch.rescan {
                telemetry.health.setUnrecoveredOverflow(true, root: name)
                logger.warning(.watcherOverflow, "events were lost (inotify queue overflow or a watch failure); rescanning the folder")
                await finish(await session.engine.rescan(), label: "rescan", rescan: .overflow, observesLatency: false)
                telemetry.health.setUnrecoveredOverflow(false, root: name)
            } else {
                await finish(await session.engine.apply(changed: batch.changed, removed: batch.removed),
                       label: "change", rescan: nil, observesLatency: true)
            }
            try await session.engine.save()
        }
    }

    private func periodically(every interval: Duration,
                              _ body: @Sendable () async throws -> (SyncEngine.Round, String, AgentMetrics.RescanReason?)?) async throws {
        while true {
            try await Task.sleep(for: interval)
            do {
                guard let (round, label, reason) = try await body() else { continue }
                await finish(round, label: label, rescan: reason, observesLatency: reason == nil)
                try await session.engine.save()
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.warning("round_failed", "could not complete a round, will try again: \(error)")
            }
        }
    }

    /// Logs, counts and hands the uploads to the completion tracker.
    private func finish(_ round: SyncEngine.Round, label: String, rescan: AgentMetrics.RescanReason?, observesLatency: Bool) async {
        let changes = round.report.uploaded.count + round.report.deleted.count + round.report.reindexed.count
        let withheld = round.plan.deleteGuard != nil || round.plan.deleteRefusal != nil
        if changes > 0 || withheld || !round.report.failures.isEmpty || rescan != nil {
            RoundLog.record(round, label: label, logger: logger)
        }
        telemetry.record(round, instance: session.instance, rescan: rescan, observesLatency: observesLatency)
        let authFailures = round.report.failures.filter { $0.httpStatus == 401 || $0.httpStatus == 403 }
        if !authFailures.isEmpty, authFailures.count == round.report.failures.count, changes == 0 {
            telemetry.health.recordAuthFailure()
        } else if round.report.requests > 0 {
            telemetry.health.recordAuthSuccess()
        }
        telemetry.health.setBacklog(round.report.failures.count, root: name)
        if let tracker, observesLatency { await tracker.track(round.report.touched) }
        // A full round allocates per tracked file (listing, snapshot, plan); give it back.
        if rescan != nil { releaseFreeHeapMemory() }
    }
}
