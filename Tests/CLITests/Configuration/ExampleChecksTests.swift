import Foundation
import Testing
import TestSupport

/// Runs the examples' check scripts, so a broken unit file or Pod fails the test suite. Each
/// script skips itself where its tool (systemd-analyze, PyYAML) is missing.
@Suite struct ExampleChecksTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func run(_ script: String) async throws -> (status: Int32, output: String) {
        let result = try await runChildProcess("/bin/sh", [Self.repository.appendingPathComponent(script).path])
        return (result.status, result.output)
    }

    /// scripts/test installs the tools and sets this, so a check cannot pass by skipping itself.
    static let toolsRequired = ProcessInfo.processInfo.environment["AISEARCH_REQUIRE_EXAMPLE_TOOLS"] == "1"

    @Test func systemdUnitVerifies() async throws {
        let result = try await run("examples/systemd/check")
        #expect(result.status == 0, "\(result.output)")
        if Self.toolsRequired { #expect(!result.output.contains("skipped"), "\(result.output)") }
    }

    @Test func podAndDockerfileAreWiredCorrectly() async throws {
        // Without PyYAML the script would create a venv and download it; not in a unit test.
        guard let probe = try? await runChildProcess("/usr/bin/env", ["python3", "-c", "import yaml"]) else { return }
        guard probe.status == 0 else {
            if Self.toolsRequired { Issue.record("PyYAML is required (AISEARCH_REQUIRE_EXAMPLE_TOOLS=1) but python3 cannot import yaml") }
            return
        }
        let result = try await run("examples/container/check")
        #expect(result.status == 0, "\(result.output)")
    }
}
