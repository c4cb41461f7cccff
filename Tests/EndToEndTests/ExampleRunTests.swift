import Foundation
import Testing

/// Runs `examples/r2-bucket/run` with the built binary, offline, as its README says.
@Suite struct ExampleRunTests {
    @Test func theR2ExampleSyncsIntoAnR2BackedInstanceOfTheEmulator() async throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [repository.appendingPathComponent("examples/r2-bucket/run").path, try AgentProcess.binary().path]
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path]
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("r2-example-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = process.standardOutput
        try process.run()
        // Waits without holding a thread: poll the process with a deadline.
        let deadline = ContinuousClock.now + .seconds(180)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { process.terminate() }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("R2 bucket: 2 object write(s)"), "\(text)")
        #expect(text.contains("sync: 2 uploaded"), "\(text)")
        #expect(text.contains("intro.md") && text.contains("setup.md"), "\(text)")
        // The instance's path filter skips drafts/: the agent leaves the draft out, so it is neither written nor listed.
        #expect(text.contains("left out: 1 file matched an ignore rule: drafts/todo.md"), "\(text)")
        #expect(!(text.components(separatedBy: "KEY ").last ?? "").contains("drafts/todo.md"), "\(text)")
    }
}
