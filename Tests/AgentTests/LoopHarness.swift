@testable import Agent
import AISearchAPI
import FileWatch
import Foundation
import Hashing
import LinuxSystem
import Observability
import SyncCore
import Synchronization

/// An instance in memory: what `RemoteItemStore` calls see, with listings that fail on demand.
actor FakeInstance: RemoteItemStore {
    private(set) var items: [String: Item] = [:]
    private(set) var listings = 0
    private(set) var uploads = 0
    /// The next listings throw these, in order.
    var listingFailures: [any Error] = []

    func failListings(_ errors: [any Error]) { listingFailures = errors }

    func listAll() async throws -> [Item] {
        listings += 1
        if !listingFailures.isEmpty { throw listingFailures.removeFirst() }
        return Array(items.values)
    }

    func upload(key: ItemKey, contents: [UInt8], metadata: [String: JSONValue]?, waitForCompletion: Bool) async throws -> Item {
        uploads += 1
        let item = Item(id: UUID().uuidString.lowercased(), key: key.rawValue, checksum: SHA256.hash(contents).hex, createdAt: "",
                        lastSeenAt: "", fileSize: Int64(contents.count), namespace: "default", status: .completed)
        items[key.rawValue] = item
        return item
    }

    func reindex(itemID: String, waitForCompletion: Bool) async throws -> Item { try item(itemID) }
    func delete(itemID: String) async throws { items = items.filter { $0.value.id != itemID } }
    func download(itemID: String) async throws -> [UInt8] { [] }
    func get(itemID: String) async throws -> Item { try item(itemID) }
    func lastLogMessage(itemID: String) async throws -> String? { nil }

    private func item(_ id: String) throws -> Item {
        guard let item = items.values.first(where: { $0.id == id }) else {
            throw APIError(status: 404, errors: [], method: .get, path: "/items/\(id)")
        }
        return item
    }

    static let outage = APIError(status: 503, errors: [APIMessage(code: 503, message: "unavailable")], method: .get, path: "/items")
}

/// One `WatchLoop` over a real temporary folder and state, a `FakeInstance`, a clock the test
/// moves, and watcher batches the test sends.
final class LoopHarness: Sendable {
    let folder: URL
    let instance = FakeInstance()
    let clock = ManualClock()
    let control = AgentControl()
    let telemetry = AgentTelemetry(instances: ["docs"], clients: [])
    let logs = CapturingLogSink()
    let session: AgentSession
    private let batches: AsyncThrowingStream<WatchBatch, any Error>
    let send: AsyncThrowingStream<WatchBatch, any Error>.Continuation
    let timing: WatchLoop.Timing
    /// Set once the loop started by `start()` has returned or thrown.
    let ended = Mutex(false)

    init(files: [String: String] = ["a.md": "alpha"], interrupted: Bool = false, safetyRescan: Duration? = .seconds(3600),
         recoveryDelay: Duration = .seconds(35)) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("agent-loop-\(UUID().uuidString)")
        let root = folder.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: root.appendingPathComponent(name)) }
        let rootPath = FilePathBytes(root.path)
        let state = StateStore(location: StateLocation(directory: FilePathBytes(folder.appendingPathComponent("state").path)),
                               scope: StateScope(account: "a", namespace: "default", instance: "docs"))
        _ = try await state.load()
        let mapper = try KeyMapper(prefix: "")
        let gate = WorkGate()
        var options = PlanExecutor.Options()
        options.gate = gate
        let engine = SyncEngine(scanner: TreeScanner(root: rootPath, keyMapper: mapper, policy: EligibilityPolicy(), ignoreRules: IgnoreRules()),
                                executor: PlanExecutor(store: instance, root: rootPath, keyMapper: mapper, options: options),
                                state: state, settings: SyncEngine.Settings())
        let logger = Logger(level: .debug, sink: logs)
        session = AgentSession(engine: engine, root: rootPath, settings: SessionSettings(root: root.path, instance: "docs"),
                               ignoreRules: IgnoreRules(),
                               client: AISearchClient(configuration: ClientConfiguration(accountID: "a", credentials: .apiToken("t"))),
                               logger: logger, previousRunInterrupted: interrupted, gate: gate)
        (batches, send) = AsyncThrowingStream<WatchBatch, any Error>.makeStream()
        timing = WatchLoop.Timing(recoveryDelay: recoveryDelay, safetyRescan: safetyRescan)
    }

    var loop: WatchLoop {
        let batches = batches
        return WatchLoop(session: session, batches: { batches }, telemetry: telemetry, tracker: nil,
                         clock: AgentClock(clock), control: control, timing: timing)
    }

    /// Starts the loop and says the watches are in place.
    func start() -> Task<Void, any Error> {
        let loop = loop
        let task = Task { [self] in
            defer { self.ended.withLock { $0 = true } }
            try await loop.run()
        }
        var ready = WatchBatch(rescan: true, rootState: .present)
        ready.rescanReason = .startup
        send.yield(ready)
        return task
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent("root").appendingPathComponent(name))
    }

    /// Polls `condition` until it holds; fails after `seconds` of real time: a hang guard, not a
    /// timing (generous: the whole suite shares two cores, and CPU-heavy tests can hold both).
    func waitUntil(_ what: String, seconds: Double = 180, _ condition: @Sendable () async -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
        while !(await condition()) {
            if ContinuousClock.now > deadline { throw HarnessTimeout(what: what, logs: logs.text) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

struct HarnessTimeout: Error, CustomStringConvertible {
    var what: String
    var logs: String
    var description: String { "timed out waiting for \(what); log:\n\(logs)" }
}
