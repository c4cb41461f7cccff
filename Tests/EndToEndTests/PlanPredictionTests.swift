import Foundation
import Testing
import AISearchAPI
@testable import SyncCore

/// `plan`'s request count is a promise: the sync that follows makes exactly that many requests
/// (beyond the item listing, which both pay), as the emulator counts them.
@Suite struct PlanPredictionTests {
    @Test func planOfTenThousandFilesPredictsTheRequestsSyncMakes() async throws {
        let harness = try EmulatorHarness(processingDelay: .milliseconds(1), requestsPerWindow: 1_000_000)
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        for index in 0..<10_000 { try harness.write("d\(index % 100)/f\(index).txt", "file \(index)") }
        try harness.write("skip/me.exe", "not indexable")
        let engine = try await harness.makeEngine()

        let planned = try await engine.reconcile(dryRun: true)
        #expect(planned.plan.uploads.count == 10_000)
        await harness.server.emulator.clearRequestCounts()
        let round = try await engine.reconcile()
        let counts = await harness.server.emulator.requestCounts()
        let listing = counts.filter { $0.method == "GET" && $0.route.hasSuffix("/items") }.reduce(0) { $0 + $1.count }
        let work = counts.reduce(0) { $0 + $1.count } - listing
        #expect(round.isInSync)
        // The plan counts the evidence recorded after the round (one GET items page, counted with
        // the listing here) among its requests.
        #expect(work + 1 == planned.plan.cost.requests)
        #expect(round.report.requests == planned.plan.cost.requests)
    }
}
