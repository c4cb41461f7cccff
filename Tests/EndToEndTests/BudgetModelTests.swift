import CLI
import Foundation
import Testing

/// One reading of "N requests per window" for `plan`, the client and the emulator: `plan` states
/// whole windows beyond what may go now, and the `sync` that follows, paced by the same reading,
/// ends in sync. (How close the estimate comes to the wall time is a benchmark, not a test:
/// `scripts/bench-budget`, BENCHMARKS.md.)
@Suite struct BudgetModelTests {
    @Test func planStatesWholeWindowsAndTheSyncKeepsToTheSameBudget() async throws {
        let h = try EmulatorHarness(processingDelay: .milliseconds(1), requestsPerWindow: 20, windowSeconds: 4)
        defer { Task { await h.stop() } }
        _ = try await h.client.createInstance(id: "docs")
        for index in 0..<45 { try h.write("d\(index).md", "file \(index)") }
        let common = ["--instance", "docs", "--state-dir", h.stateDirectory.path, "--rate-limit", "20/4"]

        let plan = await h.run(["plan", h.root.path, "--json"] + common)
        #expect(plan.status == 0, "\(plan.error)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any])
        let cost = try #require(answer["cost"] as? [String: Any])
        let requests = try #require(cost["requests"] as? Int)
        let remaining = try #require(cost["budget_remaining"] as? Int)
        let estimate = try #require(cost["estimated_seconds"] as? Double)
        #expect(cost["budget_requests"] as? Int == 20 && cost["budget_seconds"] as? Double == 4)
        #expect(requests >= 45 && remaining < 20, "the plan's own requests are spent: \(cost)")
        #expect(estimate == Double((requests - remaining + 19) / 20 * 4), "\(cost)")

        let human = await h.run(["plan", h.root.path] + common)
        #expect(human.output.contains("at least ") && human.output.contains("(20 requests per 4 s, --rate-limit; "), "\(human.output)")

        let sync = await h.run(["sync", h.root.path, "--log-format", "json"] + common)
        #expect(sync.status == 0, "\(sync.error)")
        #expect(sync.error.contains("\"event\":\"sync_done\""))
        #expect(await h.remoteContents() == (try h.localContents()))
    }
}
