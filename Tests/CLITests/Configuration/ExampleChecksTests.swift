import Foundation
import Testing

/// Runs the examples' check scripts, so a broken unit file or Pod fails the test suite. Each
/// script skips itself where its tool (systemd-analyze, PyYAML) is missing.
@Suite struct ExampleChecksTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func run(_ script: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [Self.repository.appendingPathComponent(script).path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// scripts/test installs the tools and sets this, so a check cannot pass by skipping itself.
    static let toolsRequired = ProcessInfo.processInfo.environment["AISEARCH_REQUIRE_EXAMPLE_TOOLS"] == "1"

    @Test func systemdUnitVerifies() throws {
        let result = try run("examples/systemd/check")
        #expect(result.status == 0, "\(result.output)")
        if Self.toolsRequired { #expect(!result.output.contains("skipped"), "\(result.output)") }
    }

    @Test func podAndDockerfileAreWiredCorrectly() throws {
        // Without PyYAML the script would create a venv and download it; not in a unit test.
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import yaml"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return }
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else {
            if Self.toolsRequired { Issue.record("PyYAML is required (AISEARCH_REQUIRE_EXAMPLE_TOOLS=1) but python3 cannot import yaml") }
            return
        }
        let result = try run("examples/container/check")
        #expect(result.status == 0, "\(result.output)")
    }
}
