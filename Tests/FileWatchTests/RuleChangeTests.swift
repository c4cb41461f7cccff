import FileWatch
import LinuxSystem
import Testing

/// Rule files changing under a running inotify watch (the polling suite runs the same scenarios).
extension FileWatcherTests {
    @Test func ruleFileChangesAreReportedWithoutARescan() async throws {
        try await WatchScenarios.ruleFileChangesAreReportedWithoutARescan(WatchHarness.configuration())
    }

    @Test func directoryNewlyIncludedIsWatched() async throws {
        try await WatchScenarios.directoryNewlyIncludedIsWatched(WatchHarness.configuration())
    }

    /// With `readsGitignore`, a `.gitignore` is a rule file like `.aisearchignore`: its edit
    /// changes the rules (no rescan), and what it ignores is no longer reported.
    @Test func gitignoreIsARuleFileWhenAskedFor() async throws {
        var configuration = WatchHarness.configuration()
        configuration.ignoreRules = IgnoreRules(readsGitignore: true)
        let tree = try TemporaryTree()
        let harness = try await WatchHarness(root: tree.root, configuration: configuration)
        defer { harness.stop() }
        try tree.write(".gitignore", "*.log\n")
        let log = try await harness.waitUntil("the root's rules changed") { $0.everRulesChanged.contains("") }
        #expect(log.batches.contains { $0.rulesChanged == [""] && !$0.rescan })
        try tree.write("noise.log", "x")
        try tree.write("marker", "m")
        let after = try await harness.waitForReports(changed: ["marker"])
        #expect(!after.everChanged.contains("noise.log"), "\(after.everChanged)")
    }

    @Test func directoryNewlyIgnoredIsNotReported() async throws {
        try await WatchScenarios.directoryNewlyIgnoredIsNotReported(WatchHarness.configuration())
    }
}
