import FileWatch
import LinuxSystem
import Testing

/// Everything a watcher reported so far, accumulated over batches. "Ever" sets make the
/// assertions strict: a path reported removed and later changed shows up in both.
struct WatchLog: Sendable {
    var batches: [WatchBatch] = []
    var everChanged: Set<FilePathBytes> = []
    var everRemoved: Set<FilePathBytes> = []
    var everRulesChanged: Set<FilePathBytes> = []
    /// Every batch's rescan reason, in order (a batch without one adds nothing).
    var rescanReasons: [RescanReason] = []
    var rescans: Int { rescanReasons.count }
    var rootStates: [WatchBatch.RootState] = []
    var finished = false
    var failure: String?
}

actor WatchLogBox {
    private(set) var log = WatchLog()
    func add(_ batch: WatchBatch) {
        log.batches.append(batch)
        log.everChanged.formUnion(batch.changed)
        log.everRemoved.formUnion(batch.removed)
        log.everRulesChanged.formUnion(batch.rulesChanged)
        if let reason = batch.rescanReason { log.rescanReasons.append(reason) }
        if log.rootStates.last != batch.rootState || batch.rescan { log.rootStates.append(batch.rootState) }
    }
    func finish(_ failure: String?) {
        log.finished = true
        log.failure = failure
    }
    func reset() {
        log.everChanged = []
        log.everRemoved = []
    }
}

/// Runs a `FileWatcher` in a child task and lets the test wait, with a deadline, for a
/// condition on what it reported.
struct WatchHarness: Sendable {
    let box = WatchLogBox()
    let task: Task<Void, Never>

    /// Test timings: shorter than production so the suite stays quick, same logic.
    static func configuration() -> FileWatcher.Configuration {
        var configuration = FileWatcher.Configuration()
        configuration.settleWindow = .milliseconds(100)
        configuration.closeWriteSettleWindow = .milliseconds(30)
        configuration.moveGraceWindow = .milliseconds(50)
        configuration.rootPollInterval = .milliseconds(50)
        configuration.rescanBackoffInitial = .milliseconds(200)
        configuration.rescanBackoffMaximum = .seconds(2)
        return configuration
    }

    /// Starts watching `root` and waits for the first batch (watches in place).
    init(root: FilePathBytes, configuration: FileWatcher.Configuration = WatchHarness.configuration()) async throws {
        let watcher = FileWatcher(root: root, configuration: configuration)
        let box = box
        task = Task {
            do {
                for try await batch in watcher.events() { await box.add(batch) }
                await box.finish(nil)
            } catch {
                await box.finish(String(describing: error))
            }
        }
        try await waitUntil("the first batch") { !$0.batches.isEmpty }
    }

    /// Waits until `condition` holds for the log, polling; fails the test after `timeout`, a hang
    /// guard generous enough for a loaded two-core machine (the whole suite runs in parallel).
    @discardableResult
    func waitUntil(_ what: String, timeout: Duration = .seconds(120),
                   _ condition: @Sendable (WatchLog) -> Bool) async throws -> WatchLog {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let log = await box.log
            if condition(log) { return log }
            if clock.now >= deadline || log.finished {
                Issue.record("timed out waiting for \(what); reported so far: changed \(log.everChanged.sorted().prefix(20)), removed \(log.everRemoved.sorted().prefix(20)), batches \(log.batches.count), failure \(log.failure ?? "none")")
                throw WaitTimeout()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits until everything in `changed` and `removed` was reported, then returns the log so the
    /// test can assert the exact sets.
    @discardableResult
    func waitForReports(changed: Set<FilePathBytes> = [], removed: Set<FilePathBytes> = [],
                        timeout: Duration = .seconds(120)) async throws -> WatchLog {
        try await waitUntil("changed \(changed.count) / removed \(removed.count) paths", timeout: timeout) {
            $0.everChanged.isSuperset(of: changed) && $0.everRemoved.isSuperset(of: removed)
        }
    }

    var log: WatchLog { get async { await box.log } }

    func stop() { task.cancel() }
}

struct WaitTimeout: Error {}

/// Waits until `condition` holds, polling; fails the test after `timeout`. For state outside the
/// watch log (a gate, the mount table).
func waitUntil(_ what: String, timeout: Duration = .seconds(120), _ condition: () -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while !condition() {
        if clock.now >= deadline {
            Issue.record("timed out waiting for \(what)")
            throw WaitTimeout()
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

extension Set<FilePathBytes> {
    init(_ strings: [String]) { self.init(strings.map { FilePathBytes($0) }) }
}
