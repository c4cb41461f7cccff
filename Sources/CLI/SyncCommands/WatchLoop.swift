import AISearchAPI
import FileWatch
import Foundation
import LinuxSystem
import SyncCore

/// `watch`'s main loop: one full reconcile, then a round per watcher batch, a stat rescan on an
/// overflow, a retry pass for failed operations, and a full reconcile every `safetyRescan`.
/// Rounds run one at a time (the engine is an actor); cancellation ends the loop.
struct WatchLoop: Sendable {
    let session: SyncSession
    let watcher: FileWatcher
    let safetyRescan: Duration
    let context: CommandContext

    func run() async throws {
        report(try await session.engine.reconcile(), label: "initial sync")
        try await session.engine.save()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await followBatches() }
            group.addTask { try await periodically(every: safetyRescan, label: "safety rescan") { try await session.engine.reconcile() } }
            group.addTask {
                try await periodically(every: .seconds(30), label: "retry") {
                    let due = await session.engine.keysDueForRetry(nowNanoseconds: wallClockNanoseconds())
                    return due.isEmpty ? nil : await session.engine.apply(changed: due, removed: [])
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func followBatches() async throws {
        for try await batch in watcher.events() {
            try Task.checkCancellation()
            if batch.rootState == .missing {
                context.printError("aisearch-sync: the folder \(session.root) is missing; nothing is deleted, waiting for it to come back")
                continue
            }
            let round = batch.rescan ? await session.engine.rescan()
                : await session.engine.apply(changed: batch.changed, removed: batch.removed)
            report(round, label: batch.rescan ? "rescan" : "change")
            try await session.engine.save()
        }
    }

    private func periodically(every interval: Duration, label: String, _ body: @Sendable () async throws -> SyncEngine.Round?) async throws {
        while true {
            try await Task.sleep(for: interval)
            if let round = try? await body() {
                report(round, label: label)
                try await session.engine.save()
            }
        }
    }

    private func report(_ round: SyncEngine.Round, label: String) {
        let changes = round.report.uploaded.count + round.report.deleted.count + round.report.reindexed.count
        let withheld = round.plan.deleteGuard != nil || round.plan.deleteRefusal != nil
        guard changes > 0 || withheld || !round.report.failures.isEmpty || label == "initial sync" else { return }
        SyncSummary.printRound(round, context: context, label: label)
    }
}
