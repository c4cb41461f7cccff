import Foundation
import AISearchAPI
import Emulator
import LinuxSystem
import ObjectStorage
@testable import SyncCore

/// A real emulator on a loopback port, a real client over HTTP, and a temporary folder: the
/// pieces every end-to-end test starts from.
struct EmulatorHarness {
    static let token = "e2e-token-\(UUID().uuidString)"
    static let account = "e2e-account"

    let server: EmulatorServer
    let client: AISearchClient
    let root: URL
    let stateDirectory: URL

    /// `requestsPerWindow` raises both the emulator's rate limit and the client's budget above the
    /// API's 1,200 per 5 minutes, for tests that make thousands of requests on purpose.
    init(checksumMode: EmulatorConfiguration.ChecksumMode = .opaque, processingDelay: Duration = .milliseconds(20),
         faults: FaultSettings = FaultSettings(), requestsPerWindow: Int = 1200, windowSeconds: Int = 300, failingKeys: Set<String> = [],
         pathStyle: ClientConfiguration.PathStyle = .namespaced, r2Upstream: R2Configuration? = nil) throws {
        var emulatorConfiguration = EmulatorConfiguration(
            apiToken: Self.token, accountID: Self.account, checksumMode: checksumMode, processingDelay: processingDelay,
            waitTimeout: .seconds(5), rateLimit: RateLimitPolicy(requests: requestsPerWindow, windowSeconds: windowSeconds), faults: faults,
            failingKeys: failingKeys)
        // R2-backed instances read this S3 endpoint (moto) instead of the emulator's own buckets.
        emulatorConfiguration.r2Upstream = r2Upstream
        server = try EmulatorServer(configuration: emulatorConfiguration)
        var configuration = ClientConfiguration(accountID: Self.account, credentials: .apiToken(Self.token), baseURL: server.baseURL,
                                                pathStyle: pathStyle)
        configuration.budgetLimits = .init(requests: requestsPerWindow, period: .seconds(windowSeconds))
        configuration.retryPolicy.baseDelay = .milliseconds(5)
        configuration.retryPolicy.maxDelay = .milliseconds(50)
        configuration.retryPolicy.maxAttempts = 8
        // With reset faults, a stalled request (README, "A stalled upload") costs seconds, not a
        // minute. Without them the timeout is only a hang guard, long enough for a loaded machine
        // (CPU-heavy suites can hold both cooperative threads, and the emulator answers on them).
        configuration.timeout = faults.connectionResetRate > 0 ? .seconds(10) : .seconds(60)
        client = AISearchClient(configuration: configuration)
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
        root = base.appendingPathComponent("root")
        stateDirectory = base.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, bytes: Array(text.utf8))
    }

    func write(_ relative: String, bytes: [UInt8]) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent(relative))
    }

    /// The instance's items as the emulator holds them: key → content. An item being deleted
    /// (`next_action: DELETE`, listed for one processing delay) is gone already.
    func remoteContents(instance: String = "docs") async -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for item in await server.emulator.items(instance: instance) where item.nextAction != .delete {
            result[item.key] = await server.emulator.content(ofItem: item.id) ?? []
        }
        return result
    }

    /// Every regular file under the root: relative path → content (the expectation for `remoteContents`).
    func localContents(excluding: (String) -> Bool = { _ in false }) throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let relative = String(url.path.dropFirst(root.path.count + 1))
            if excluding(relative) { continue }
            result[relative] = Array(try Data(contentsOf: url))
        }
        return result
    }

    /// Relative path bytes → content of every regular file under the root: keyed by bytes, so
    /// NFC and NFD twins (equal as `String`s) stay two entries.
    func localContentsByBytes() throws -> [[UInt8]: [UInt8]] {
        var result: [[UInt8]: [UInt8]] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            result[Array(relative.utf8)] = Array(try Data(contentsOf: URL(fileURLWithPath: root.path + "/" + relative)))
        }
        return result
    }

    func makeEngine(instance: String = "docs", stateWrittenLater: Duration = .zero, waitForCompletion: Bool = false) async throws -> SyncEngine {
        let offset = stateWrittenLater.components.seconds * 1_000_000_000
        let state = StateStore(location: StateLocation(directory: FilePathBytes(stateDirectory.path)),
                               scope: StateScope(account: Self.account, namespace: "default", instance: instance),
                               wallClock: { wallClockNanoseconds() + offset })
        _ = try await state.load()
        let mapper = try KeyMapper()
        let rootPath = FilePathBytes(root.path)
        let scanner = TreeScanner(root: rootPath, keyMapper: mapper, policy: EligibilityPolicy())
        let executor = PlanExecutor(store: ClientItemStore(client: client, instance: instance), root: rootPath, keyMapper: mapper,
                                    options: .init(waitForCompletion: waitForCompletion))
        return SyncEngine(scanner: scanner, executor: executor, state: state, settings: .init())
    }

    func stop() async {
        await server.stop()
        try? FileManager.default.removeItem(at: root.deletingLastPathComponent())
    }
}
