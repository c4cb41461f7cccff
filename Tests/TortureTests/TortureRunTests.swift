import Foundation
import Testing
@testable import Torture

/// A tiny real run: the agent binary, the emulator with faults, two rounds and one kill each.
@Suite struct TortureRunTests {
    /// `aisearch-sync` beside the test bundle (`swift test` builds it there).
    static let agent: String? = {
        let candidates = [Bundle.main.executableURL?.deletingLastPathComponent(), Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()]
            .compactMap { $0?.appendingPathComponent("aisearch-sync").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    final class Marker {}

    /// Built-in storage, then an R2-backed instance (`--r2`: the bucket and the index must both
    /// equal the folder).
    @Test(.enabled(if: agent != nil, "the aisearch-sync binary is not built"), arguments: [false, true])
    func twoSmallRoundsWithAKillEachEndWithoutDivergence(r2: Bool) async throws {
        var options = TortureOptions(seed: r2 ? 2027 : 2026, rounds: 2, agentPath: try #require(Self.agent))
        options.r2 = r2
        options.shape.initialFiles = 20
        options.shape.operationsPerRound = 16
        options.shape.killsPerRound = 1...1
        options.shape.burstEvery = 0
        let report = try await TortureRun(options: options, log: { _ in }).run()
        #expect(report.rounds.count == 2)
        #expect(report.agent.kills >= 1)
        #expect(report.divergenceCount == 0, "\(report.summary)")
        #expect(report.passed, "\(report.summary)")
    }
}
