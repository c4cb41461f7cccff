import Foundation
import Testing
import TestSupport
@testable import Emulator

/// boto3 from the venv `scripts/test` makes (`AISEARCH_MOTO_PYTHON`, which has boto3 beside
/// moto) against the emulator's R2 endpoint: an S3 client we did not write signs, lists (with
/// `encoding-type=url` and continuation tokens), reads and deletes, and a wrong secret is
/// refused. Skipped with a reason without the venv; a failure under `AISEARCH_REQUIRE_MOTO=1`.
@Suite struct R2Boto3Tests {
    static let python = ProcessInfo.processInfo.environment["AISEARCH_MOTO_PYTHON"]
    static let required = ProcessInfo.processInfo.environment["AISEARCH_REQUIRE_MOTO"] == "1"

    @Test(.enabled(if: python != nil || required, "set AISEARCH_MOTO_PYTHON (scripts/test does) to run the boto3 check"))
    func boto3WorksAgainstTheEmulatorBucket() async throws {
        let python = try #require(Self.python, "AISEARCH_MOTO_PYTHON is not set; run the tests through scripts/test")
        let server = try EmulatorServer(configuration: EmulatorConfiguration(processingDelay: .milliseconds(50)))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("boto3_r2_check.py").path
        // Run off the cooperative pool: a blocking wait there would hold a thread that the
        // in-process emulator needs to answer (two cores: two such threads).
        let run = try await runChildProcess(python, [script, server.r2Endpoint, EmulatorConfiguration.defaultR2AccessKeyID,
                                                     EmulatorConfiguration.defaultR2SecretAccessKey])
        await server.stop()
        #expect(run.status == 0, "\(run.output)")
    }
}
