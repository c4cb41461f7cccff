@testable import Agent
import AISearchAPI
import FileWatch
import LinuxSystem
import Synchronization
import Testing

/// The watch loop's timing and failure policy, on a clock the tests move: nothing here waits
/// for real time to pass (the only real-time bound is a generous hang guard).
@Suite struct WatchLoopTests {
    @Test func anOutageDuringTheInitialSyncIsRetriedWithCappedBackoffAndResumes() async throws {
        let harness = try await LoopHarness()
        await harness.instance.failListings(Array(repeating: FakeInstance.outage, count: 4))
        let task = harness.start()
        defer { task.cancel() }
        try await harness.waitUntil("the first failed listing") { await harness.instance.listings == 1 }
        try await harness.waitUntil("the reason on /healthz") { !harness.telemetry.health.healthz().ok }
        #expect(harness.telemetry.health.healthz().reasons.contains { $0.contains("initial sync failed") && $0.contains("503") })
        // Backoff 1 s, 2 s, 4 s, 8 s: each attempt starts only once its wait has passed.
        for (attempt, wait) in [(2, 1), (3, 2), (4, 4), (5, 8)] {
            await harness.clock.waitForSleepers()
            harness.clock.advance(by: .seconds(wait) - .milliseconds(1))
            try await Task.sleep(for: .milliseconds(20))
            #expect(await harness.instance.listings == attempt - 1, "attempt \(attempt) started early")
            harness.clock.advance(by: .milliseconds(1))
            try await harness.waitUntil("attempt \(attempt)") { await harness.instance.listings == attempt }
        }
        try await harness.waitUntil("the upload after the outage") { await harness.instance.uploads == 1 }
        try await harness.waitUntil("healthy again") { harness.telemetry.health.healthz().ok }
        // A later edit syncs without a restart.
        try harness.write("b.md", "beta")
        harness.send.yield(WatchBatch(changed: ["b.md"]))
        try await harness.waitUntil("the edit's upload") { await harness.instance.uploads == 2 }
        #expect(harness.logs.text.contains("working again after 4 failed attempt(s)"))
    }

    @Test func backoffIsCapped() {
        var backoff = Backoff(initial: .seconds(1), maximum: .seconds(60))
        let waits = (0..<9).map { _ in backoff.next() }
        #expect(waits == [1, 2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
        backoff.reset()
        #expect(backoff.next() == .seconds(1))
    }

    @Test func refusedCredentialsEndTheLoopWithAClearError() async throws {
        let harness = try await LoopHarness()
        await harness.instance.failListings([APIError(status: 401, errors: [], method: .get, path: "/items")])
        let task = harness.start()
        try await harness.waitUntil("the loop to end") { harness.ended.withLock { $0 } }
        await #expect(throws: AgentError.self) { try await task.value }
        #expect(harness.logs.text.contains("refused the credentials"))
    }

    @Test func safetyRescanRunsWhenDueAndNotBefore() async throws {
        let harness = try await LoopHarness(safetyRescan: .seconds(600))
        let task = harness.start()
        defer { task.cancel() }
        try await harness.waitUntil("the initial sync") { await harness.instance.uploads == 1 }
        await harness.clock.waitForSleepers()
        harness.clock.advance(by: .seconds(599))
        try await Task.sleep(for: .milliseconds(20))
        #expect(await harness.instance.listings == 1)
        harness.clock.advance(by: .seconds(1))
        try await harness.waitUntil("the safety rescan's listing") { await harness.instance.listings == 2 }
        // And the next one is another 600 s away.
        await harness.clock.waitForSleepers()
        harness.clock.advance(by: .seconds(599))
        try await Task.sleep(for: .milliseconds(20))
        #expect(await harness.instance.listings == 2)
        harness.clock.advance(by: .seconds(1))
        try await harness.waitUntil("the second safety rescan") { await harness.instance.listings == 3 }
    }

    @Test func recoveryCheckAfterAKillRunsOnceAfterTheInitialSyncAndItsDelay() async throws {
        let harness = try await LoopHarness(files: ["a.md": "alpha", "b.md": "beta"], interrupted: true, safetyRescan: nil,
                                            recoveryDelay: .seconds(35))
        let task = harness.start()
        defer { task.cancel() }
        try await harness.waitUntil("the initial sync") { await harness.instance.uploads == 2 }
        #expect(await harness.instance.listings == 1)
        await harness.clock.waitForSleepers()
        harness.clock.advance(by: .seconds(34))
        try await Task.sleep(for: .milliseconds(20))
        #expect(await harness.instance.listings == 1)
        harness.clock.advance(by: .seconds(1))
        try await harness.waitUntil("the recovery check") { await harness.instance.listings == 2 }
        try await harness.waitUntil("the recovery round's log") { harness.logs.text.contains("recovery check") }
        // It found everything current: nothing uploaded twice, and it does not come back.
        #expect(await harness.instance.uploads == 2)
        harness.clock.advance(by: .seconds(3600))
        try await Task.sleep(for: .milliseconds(20))
        #expect(await harness.instance.listings == 2)
    }

    @Test func aGracefulStopEndsTheLoop() async throws {
        let harness = try await LoopHarness()
        let task = harness.start()
        try await harness.waitUntil("the initial sync") { await harness.instance.uploads == 1 }
        #expect(harness.ended.withLock { $0 } == false)
        harness.control.requestStop()
        try await harness.waitUntil("the loop to end") { harness.ended.withLock { $0 } }
        try await task.value
    }

    @Test func filesLeftOutAreReportedOncePerFileAndReason() async throws {
        let harness = try await LoopHarness(files: ["a.md": "alpha", "tool.exe": "binary"])
        let task = harness.start()
        defer { task.cancel() }
        try await harness.waitUntil("the initial sync") { await harness.instance.uploads == 1 }
        try harness.write("tool.exe", "binary, changed")
        harness.send.yield(WatchBatch(changed: ["tool.exe"]))
        try harness.write("c.md", "gamma")
        harness.send.yield(WatchBatch(changed: ["c.md"]))
        try await harness.waitUntil("the later upload") { await harness.instance.uploads == 2 }
        try await harness.waitUntil("the gauge after that round") {
            harness.telemetry.metrics.registry.render().contains("aisearch_sync_files_tracked{instance=\"docs\"} 2")
        }
        let reports = harness.logs.lines.filter { $0.contains("left out tool.exe") }
        #expect(reports.count == 1)
    }
}
