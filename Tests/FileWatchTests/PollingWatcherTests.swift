import FileWatch
import LinuxSystem
import Testing

/// `.polling` on a real temporary tree: the same `WatchBatch` stream as inotify, from stat scans
/// every 50 ms. Serialized with a small tree each, so the scans stay cheap on a shared machine.
@Suite(.serialized)
struct PollingWatcherTests {
    static func configuration() -> FileWatcher.Configuration {
        var configuration = WatchHarness.configuration()
        configuration.detection = .polling(interval: .milliseconds(50))
        return configuration
    }

    @Test func firstBatchAsksForTheInitialScanAndQuietScansSendNothing() async throws {
        let tree = try TemporaryTree()
        try tree.write("existing")
        let harness = try await WatchHarness(root: tree.root, configuration: Self.configuration())
        defer { harness.stop() }
        // Several scans find nothing new; then one change, so the test knows scans did run.
        try await Task.sleep(for: .milliseconds(200))
        try tree.write("marker")
        let log = try await harness.waitForReports(changed: ["marker"])
        #expect(log.batches == [WatchBatch(rescanReason: .startup, rootState: .present), WatchBatch(changed: ["marker"])])
    }

    @Test func createModifyDeleteAndRename() async throws {
        let tree = try TemporaryTree()
        try tree.write("same-size", "aaaa\n")
        try tree.write("doomed")
        try tree.write("old-name")
        let harness = try await WatchHarness(root: tree.root, configuration: Self.configuration())
        defer { harness.stop() }
        try tree.write("created")
        // Same content and size; only the modification time moves.
        try await tree.run("touch -m -d @1000000000 same-size")
        try tree.remove("doomed")
        try tree.rename("old-name", "new-name")
        let changed = Set(["created", "same-size", "new-name"]), removed = Set(["doomed", "old-name"])
        let log = try await harness.waitForReports(changed: changed, removed: removed)
        #expect(log.everChanged == changed)
        #expect(log.everRemoved == removed)
    }

    @Test func newDirectoryWithFilesAndDirectoryRename() async throws {
        let tree = try TemporaryTree()
        try await tree.run("mkdir -p old/sub && echo 1 > old/one && echo 2 > old/sub/two")
        let harness = try await WatchHarness(root: tree.root, configuration: Self.configuration())
        defer { harness.stop() }
        try await tree.run("mkdir -p fresh/deep/er && echo a > fresh/a && echo b > fresh/deep/er/b")
        try tree.rename("old", "renamed")
        let changed = Set(["fresh/a", "fresh/deep/er/b", "renamed/one", "renamed/sub/two"])
        let removed = Set(["old/one", "old/sub/two"])
        let log = try await harness.waitForReports(changed: changed, removed: removed)
        #expect(log.everChanged == changed)
        #expect(log.everRemoved == removed)
    }

    @Test func ignoredFilesAndDirectoriesAreNotReported() async throws {
        try await WatchScenarios.ignoredPathsAreNotReported(Self.configuration())
    }

    @Test func ruleFileChangesAreReportedWithoutARescan() async throws {
        try await WatchScenarios.ruleFileChangesAreReportedWithoutARescan(Self.configuration())
    }

    @Test func directoryNewlyIncludedIsScanned() async throws {
        try await WatchScenarios.directoryNewlyIncludedIsWatched(Self.configuration())
    }

    @Test func directoryNewlyIgnoredIsNotReported() async throws {
        try await WatchScenarios.directoryNewlyIgnoredIsNotReported(Self.configuration())
    }

    /// Polling needs nothing for mounts (every scan stats afresh); it must just keep working.
    @Test(.enabled(if: TemporaryTree.canMount, "needs root and permission to mount tmpfs"))
    func tmpfsMountedOverTheRootIsScannedAndUnmountedToo() async throws {
        let tree = try TemporaryTree()
        defer { tree.unmountAll() }
        try tree.write("original")
        let harness = try await WatchHarness(root: tree.root, configuration: Self.configuration())
        defer { harness.stop() }
        try tree.mount("")
        // A new root directory: a fresh baseline (and rescan) first, then changes on it count.
        try await harness.waitUntil("a rescan of the tmpfs") { $0.rescans >= 2 }
        try tree.write("mounted")
        try await harness.waitForReports(changed: ["mounted"])
        try tree.unmount("")
        try await harness.waitUntil("a rescan of the original directory") { $0.rescans >= 3 }
        try tree.write("after")
        let log = try await harness.waitForReports(changed: ["after"])
        #expect(log.batches.last?.rootState == .present)
        #expect(log.everRemoved.isEmpty)
    }

    @Test func rootDeletedIsMissingThenBackWithARescan() async throws {
        try await WatchScenarios.rootDeletedAndRecreated(Self.configuration())
    }

    @Test func missingRootAtStartIsReported() async throws {
        let tree = try TemporaryTree()
        try await tree.run("rmdir root", in: tree.base)
        let harness = try await WatchHarness(root: tree.root, configuration: Self.configuration())
        defer { harness.stop() }
        #expect(await harness.log.batches.first == WatchBatch(rootState: .missing))
        try TemporaryTree.makeDirectory(tree.root)
        try await harness.waitUntil("root present") { $0.batches.last == WatchBatch(rescanReason: .rootReturned, rootState: .present) }
    }

    @Test func cancellingTheConsumerEndsTheStream() async throws {
        let tree = try TemporaryTree()
        let harness = try await WatchHarness(root: tree.root, configuration: Self.configuration())
        harness.stop()
        let log = try await harness.waitUntil("the stream ends") { $0.finished }
        #expect(log.failure == nil)
    }
}
