import Foundation
import LinuxSystem
import ObjectStorage

/// moto's S3 server in authenticating mode, run by `moto_helper.py` from the venv that
/// `scripts/test` makes (`AISEARCH_MOTO_PYTHON`): an S3 implementation we did not write, which
/// checks every request's signature against the IAM access key the helper created.
final class MotoServer: @unchecked Sendable {
    // @unchecked: the fields are set once in init; the input pipe is only closed by stop().
    static let python = ProcessInfo.processInfo.environment["AISEARCH_MOTO_PYTHON"]
    static let required = ProcessInfo.processInfo.environment["AISEARCH_REQUIRE_MOTO"] == "1"

    let endpoint: String
    let credentials: R2Credentials
    private let process: ChildProcess
    /// The writing end of the helper's standard input: closing it stops the helper.
    private let input: FileDescriptor
    private let logPath: String

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Starts the helper and waits (up to `deadline`) for the file it writes when ready.
    init(python: String, deadline: Duration = .seconds(120)) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let readyFile = directory.appendingPathComponent("ready.json").path
        logPath = directory.appendingPathComponent("moto.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("moto_helper.py").path
        let stdin = try FileDescriptor.makePipe(nonBlocking: false)
        process = try ChildProcess(executable: python, arguments: [script, readyFile], input: .descriptor(stdin.read),
                                   output: .appending(to: logPath), mergingErrors: true)
        stdin.read.close()
        input = stdin.write
        let clock = ContinuousClock()
        let end = clock.now + deadline
        while !FileManager.default.fileExists(atPath: readyFile) {
            guard process.isRunning, clock.now < end else {
                let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                let reason = process.isRunning ? "timeout" : "exited"
                process.signal(SIGKILL)
                throw Failure(description: "moto did not come up (\(reason)): \(output.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: readyFile))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: String],
              let endpoint = object["endpoint"], let id = object["access_key_id"], let secret = object["secret_access_key"]
        else { throw Failure(description: "moto_helper.py wrote an unreadable ready file") }
        self.endpoint = endpoint
        credentials = R2Credentials(accessKeyID: id, secretAccessKey: secret, origin: "moto IAM")
    }

    /// What moto printed, for a failing test's message.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Closes the helper's input, so it stops the server and exits. Not waited for: a blocking
    /// wait would hold one of the few cooperative threads.
    func stop() {
        input.close()
    }
}
