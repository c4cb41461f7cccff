import CLI
import Foundation
import Testing

/// `sync`'s progress on a terminal: waits on the request budget are shown, log lines go above
/// the bar, never into it; off a terminal each wait is one line.
@Suite struct CLIProgressTests {
    /// Three files, a budget of 2 requests per 10 s and one request at a time: every request after
    /// the first two waits about 5 s for the budget.
    func populated() async throws -> (EmulatorHarness, [String]) {
        let h = try EmulatorHarness()
        _ = try await h.client.createInstance(id: "docs")
        for index in 0..<3 { try h.write("doc\(index).md", "words \(index)") }
        return (h, ["--instance", "docs", "--state-dir", h.stateDirectory.path, "--rate-limit", "2/10", "--concurrency", "1"])
    }

    @Test func aTerminalShowsTheWaitAndKeepsLogLinesAboveTheBar() async throws {
        let (h, common) = try await populated()
        defer { Task { await h.stop() } }
        let run = await h.run(["sync", h.root.path] + common, color: true)
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error.contains("waiting for the request budget, resumes in "), "\(run.error.debugDescription)")
        let notices = run.error.split(separator: "\n").filter { $0.contains(" NOTICE ") }
        #expect(!notices.isEmpty, "\(run.error.debugDescription)")
        for segment in notices {
            // What follows the last erase is the log line itself, from its first character.
            let tail = segment.components(separatedBy: "\u{1B}[K").last ?? ""
            #expect(tail.hasPrefix("20") && tail.contains("waiting for the request budget (2 requests per 10 s, --rate-limit 2/10)"),
                    "a log line inside the bar: \(segment.debugDescription)")
        }
    }

    @Test func offATerminalEachWaitIsOneLineWithTheLimitInForce() async throws {
        let (h, common) = try await populated()
        defer { Task { await h.stop() } }
        let run = await h.run(["sync", h.root.path, "--log-format", "json"] + common)
        #expect(run.status == 0, "\(run.error)")
        let waits = run.error.split(separator: "\n").filter { $0.contains("\"event\":\"api_rate_limited\"") }
        #expect(!waits.isEmpty && waits.allSatisfy { $0.contains("--rate-limit 2/10") && $0.contains("resumes in ") }, "\(run.error)")
        #expect(!run.error.contains("\u{1B}"))
    }
}
