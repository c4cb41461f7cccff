import Foundation
import Glibc
import LinuxSystem
import Testing

/// The built `aisearch-sync` binary run as a child process, the way a user or systemd runs it,
/// with its output in files (a full pipe would block it).
final class AgentProcess: Sendable {
    let process: ChildProcess
    let outputFile: URL
    let errorFile: URL

    /// `aisearch-sync` beside the running test bundle, else under `.build/debug` of this package.
    static func binary() throws -> URL {
        var candidates: [URL] = []
        if let bundle = Bundle.main.executableURL {
            candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("aisearch-sync"))
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug/aisearch-sync"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "aisearch-sync is not built (looked at \(candidates.map(\.path)))")
    }

    /// `stateDirectoryFlag: false` leaves the state in its default place (under the test's HOME).
    init(_ arguments: [String], harness: EmulatorHarness, stateDirectoryFlag: Bool = true) throws {
        let logs = harness.root.deletingLastPathComponent()
        // scripts/test keeps every agent's output there, to search it for the token afterwards.
        let kept = ProcessInfo.processInfo.environment["AISEARCH_TEST_LOG_DIR"].map { URL(fileURLWithPath: $0) }
        if let kept { try FileManager.default.createDirectory(at: kept, withIntermediateDirectories: true) }
        let name = UUID().uuidString.prefix(8)
        outputFile = (kept ?? logs).appendingPathComponent("agent-\(name).out")
        errorFile = (kept ?? logs).appendingPathComponent("agent-\(name).err")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process = try ChildProcess(
            executable: try Self.binary().path,
            arguments: arguments + (stateDirectoryFlag ? ["--state-dir", harness.stateDirectory.path] : []),
            environment: [
                "CLOUDFLARE_BASE_URL": harness.server.baseURL, "CLOUDFLARE_ACCOUNT_ID": EmulatorHarness.account,
                "CLOUDFLARE_API_TOKEN": EmulatorHarness.token, "HOME": logs.path, "PATH": "/usr/bin:/bin",
            ],
            input: .null, output: .appending(to: outputFile.path), error: .appending(to: errorFile.path))
    }

    func signal(_ number: Int32) { process.signal(number) }

    /// Waits for the process to end, at most `limit`; nil if it is still running then. A signal
    /// that ended it reads as 128 + its number, as a shell reports it.
    func exitStatus(within limit: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return process.exitStatus
    }

    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    deinit { process.signal(SIGKILL) }
}

/// Polls `condition` until it holds or `limit` passes; the answer is whether it held. Limits are
/// hang guards, not timings: two minutes by default, since the whole suite shares two cores and the
/// emulator answers on the test process's cooperative threads.
func eventually(within limit: Duration = .seconds(120), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
