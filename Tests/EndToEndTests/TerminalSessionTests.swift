import Foundation
import Testing
import TestSupport

/// `sync` in a real pseudo-terminal (`script(1)`), the way a person runs it: while the request
/// budget holds requests back the bar says so, and log lines are written above it, never inside.
@Suite struct TerminalSessionTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "script(1) from util-linux is not installed"))
    func aBudgetWaitShowsOnTheBarAndNoLogLineLandsInsideIt() async throws {
        let harness = try EmulatorHarness()
        defer { Task { await harness.stop() } }
        _ = try await harness.client.createInstance(id: "docs")
        // 3 requests per 8 s: the 4th request waits until 8 s after the 1st, which stays longer than
        // the 2 s below which a wait is only a debug line, however slowly a loaded machine sends
        // the first three (at 5 per 3 s a slow start left every wait under 2 s).
        for index in 0..<4 { try harness.write("f\(index).md", "file \(index)") }
        let command = [try AgentProcess.binary().path, "sync", harness.root.path, "--instance", "docs", "--rate-limit", "3/8",
                       "--state-dir", harness.stateDirectory.path].map { "'\($0)'" }.joined(separator: " ")
        let run = try await runChildProcess(
            "/usr/bin/script", ["-q", "-e", "-c", command, "/dev/null"],
            environment: ["CLOUDFLARE_BASE_URL": harness.server.baseURL, "CLOUDFLARE_ACCOUNT_ID": EmulatorHarness.account,
                          "CLOUDFLARE_API_TOKEN": EmulatorHarness.token, "HOME": harness.root.deletingLastPathComponent().path,
                          "PATH": "/usr/bin:/bin", "TERM": "xterm", "COLUMNS": "120", "LINES": "40"],
            timeLimit: .seconds(180))
        let text = run.output
        #expect(run.status == 0, "\(text.suffix(2000))")
        #expect(text.contains("waiting for the request budget, resumes in"), "\(text.suffix(2000))")
        #expect(text.contains("4 uploaded"), "\(text.suffix(2000))")
        // What a terminal shows on one row: each redraw starts after a carriage return.
        let rows = text.components(separatedBy: "\n").flatMap { $0.components(separatedBy: "\r") }
        let mixed = rows.filter { $0.contains("syncing ") && ($0.contains("NOTICE") || $0.contains("WARNING") || $0.contains("INFO")) }
        #expect(mixed.isEmpty, "log text inside the bar: \(mixed)")
        // The budget waits were logged (so the check above had log lines to misplace).
        #expect(rows.contains { $0.contains("request budget") && !$0.contains("syncing ") }, "\(text.suffix(2000))")
    }
}
