import Foundation
import LinuxSystem
import ObjectStorage
import Testing

/// moto's S3 server in authenticating mode, started by `Tests/ObjectStorageTests/moto_helper.py`
/// (one helper for both test targets) from the venv `scripts/test` makes (`AISEARCH_MOTO_PYTHON`),
/// with moto's own request recorder on: every S3 request it receives is a line of `recording`,
/// which `s3Requests(from:since:)` counts by operation for one client (by its User-Agent).
final class MotoBucket: @unchecked Sendable {
    // @unchecked: every field is set once in init; the input pipe is only closed by stop().
    static let python = ProcessInfo.processInfo.environment["AISEARCH_MOTO_PYTHON"]
    static let required = ProcessInfo.processInfo.environment["AISEARCH_REQUIRE_MOTO"] == "1"
    static let enabled = python != nil || required
    /// The User-Agent of the agent's S3 client (`R2Configuration.userAgent`'s default).
    static let agent = "aisearch-sync-r2"
    /// The emulator's, reading its upstream (`R2Upstream.userAgent`).
    static let emulator = "aisearch-sync-emulator-crawler"

    let endpoint: String
    let credentials: R2Credentials
    private let process: ChildProcess
    /// The writing end of the helper's standard input: closing it stops the helper.
    private let input: FileDescriptor
    private let directory: URL
    private var recording: URL { directory.appendingPathComponent("requests.jsonl") }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Starts moto and waits (up to `deadline`) for the helper's ready file. Records an issue and
    /// answers nil when moto is required but `AISEARCH_MOTO_PYTHON` is not set.
    static func start(deadline: Duration = .seconds(120)) async throws -> MotoBucket? {
        guard let python else {
            Issue.record("AISEARCH_REQUIRE_MOTO=1 but AISEARCH_MOTO_PYTHON is not set; run the tests through scripts/test")
            return nil
        }
        return try await MotoBucket(python: python, deadline: deadline)
    }

    private init(python: String, deadline: Duration) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("moto-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ready = directory.appendingPathComponent("ready.json")
        let log = directory.appendingPathComponent("moto.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ObjectStorageTests/moto_helper.py")
        let stdin = try FileDescriptor.makePipe(nonBlocking: false)
        process = try ChildProcess(executable: python,
                                   arguments: [script.path, ready.path, directory.appendingPathComponent("requests.jsonl").path],
                                   input: .descriptor(stdin.read), output: .appending(to: log.path), mergingErrors: true)
        stdin.read.close()
        input = stdin.write
        let end = ContinuousClock.now + deadline
        while !FileManager.default.fileExists(atPath: ready.path) {
            guard process.isRunning, ContinuousClock.now < end else {
                process.signal(SIGKILL)
                throw Failure(description: "moto did not come up: \(((try? String(contentsOf: log, encoding: .utf8)) ?? "").suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: ready)) as? [String: String]
        guard let endpoint = object?["endpoint"], let id = object?["access_key_id"], let secret = object?["secret_access_key"] else {
            throw Failure(description: "moto_helper.py wrote an unreadable ready file")
        }
        self.endpoint = endpoint
        credentials = R2Credentials(accessKeyID: id, secretAccessKey: secret, origin: "moto IAM")
    }

    /// A client of ours on moto (for the test's own reads and setup; its User-Agent says so).
    /// Signed for `us-east-1`: moto refuses a CreateBucket signed for R2's `auto` without a
    /// location constraint (the agent and the emulator sign with `auto`, which moto accepts for
    /// object calls).
    func client() throws -> R2Client {
        R2Client(configuration: try R2Configuration(endpoint: endpoint, credentials: credentials, region: "us-east-1", userAgent: "e2e-test"))
    }

    /// The key pair as a `--r2-credentials-file`.
    func credentialsFile(in folder: URL) throws -> URL {
        let file = folder.appendingPathComponent("moto-credentials")
        try Data("access_key_id = \(credentials.accessKeyID)\nsecret_access_key = \(credentials.secretAccessKey)\n".utf8).write(to: file)
        return file
    }

    /// Requests recorded so far: the mark to count from later.
    func mark() -> Int { entries().count }

    /// S3 requests moto received from the client whose User-Agent starts with `client`, after
    /// `mark`, by operation (`PutObject`, `DeleteObject`, `GetObject`, `HeadObject`, `ListObjectsV2`…).
    func s3Requests(from client: String, since mark: Int = 0) -> [String: Int] {
        var counts: [String: Int] = [:]
        for entry in entries().dropFirst(mark) {
            guard let headers = entry["headers"] as? [String: String], headers["User-Agent"]?.hasPrefix(client) == true,
                  let method = entry["method"] as? String, let url = entry["url"] as? String else { continue }
            counts[Self.operation(method: method, url: url), default: 0] += 1
        }
        return counts
    }

    static func operation(method: String, url: String) -> String {
        let afterHost = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false).dropFirst(3).first ?? ""
        let path = afterHost.split(separator: "?", maxSplits: 1).first ?? ""
        let hasKey = path.contains("/")
        switch (method, hasKey) {
        case ("PUT", true): return "PutObject"
        case ("PUT", false): return "CreateBucket"
        case ("DELETE", true): return "DeleteObject"
        case ("HEAD", true): return "HeadObject"
        case ("GET", true): return "GetObject"
        case ("GET", false): return url.contains("list-type=2") ? "ListObjectsV2" : "GET bucket"
        default: return "\(method) \(hasKey ? "object" : "bucket")"
        }
    }

    private func entries() -> [[String: Any]] {
        guard let data = try? Data(contentsOf: recording) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }

    /// Closes the helper's input, so it stops moto and exits. Not waited for (that would block a
    /// cooperative thread).
    func stop() {
        input.close()
        try? FileManager.default.removeItem(at: directory)
    }
}
