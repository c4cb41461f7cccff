import Foundation
import Testing
import TestSupport

/// Runs `examples/r2-bucket/run` with the built binary, offline, as its README says.
@Suite struct ExampleRunTests {
    @Test func theR2ExampleSyncsIntoAnR2BackedInstanceOfTheEmulator() async throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let run = try await runChildProcess("/bin/sh", [repository.appendingPathComponent("examples/r2-bucket/run").path,
                                                        try AgentProcess.binary().path],
                                            environment: ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path],
                                            timeLimit: .seconds(180))
        let text = run.output
        #expect(run.status == 0, "\(text)")
        #expect(text.contains("R2 bucket: 2 object write(s)"), "\(text)")
        #expect(text.contains("sync: 2 uploaded"), "\(text)")
        #expect(text.contains("intro.md") && text.contains("setup.md"), "\(text)")
        // The instance's path filter skips drafts/: the agent leaves the draft out, so it is neither written nor listed.
        #expect(text.contains("left out: 1 file matched an ignore rule: drafts/todo.md"), "\(text)")
        #expect(!(text.components(separatedBy: "KEY ").last ?? "").contains("drafts/todo.md"), "\(text)")
    }
}
