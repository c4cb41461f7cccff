import Foundation
import Testing
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
        // Output to a file and the exit awaited through the termination handler: blocking calls
        // (readDataToEndOfFile, waitUntilExit) would hold a cooperative thread that the
        // in-process emulator needs to answer (two cores: two such threads).
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("boto3-r2-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, server.r2Endpoint, EmulatorConfiguration.defaultR2AccessKeyID,
                             EmulatorConfiguration.defaultR2SecretAccessKey]
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try? output.close()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        await server.stop()
        #expect(status == 0, "\(text)")
    }
}
