import Testing
import TestSupport
import Foundation
@testable import Emulator

/// The official Python SDK (`cloudflare` 5.9.0) pointed at the emulator over real HTTP: every
/// answer must parse into the SDK's own models. `scripts/test` installs the SDK in a venv and
/// sets `AISEARCH_SDK_PYTHON`; with `AISEARCH_REQUIRE_SDK=1` (as in CI) its absence fails the run.
@Suite struct OfficialSDKTests {
    static let python = ProcessInfo.processInfo.environment["AISEARCH_SDK_PYTHON"]
    static let required = ProcessInfo.processInfo.environment["AISEARCH_REQUIRE_SDK"] == "1"

    @Test(.enabled(if: python != nil || required, "set AISEARCH_SDK_PYTHON (scripts/test does) to run the SDK check"))
    func officialSDKParsesEveryAnswer() async throws {
        let python = try #require(Self.python, "AISEARCH_SDK_PYTHON is not set; run the tests through scripts/test")
        let server = try EmulatorServer(configuration: EmulatorConfiguration(apiToken: "sdk-token", accountID: "sdk-account",
                                                                             processingDelay: .milliseconds(50)))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("sdk_client_check.py").path
        let result = try await runChildProcess(python, [script, "--base-url", server.baseURL, "--account-id", "sdk-account",
                                                        "--token", "sdk-token"])
        await server.stop()
        #expect(result.status == 0, "\(result.output)")
    }
}
