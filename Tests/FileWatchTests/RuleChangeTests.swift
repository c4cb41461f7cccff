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

    @Test func directoryNewlyIgnoredIsNotReported() async throws {
        try await WatchScenarios.directoryNewlyIgnoredIsNotReported(WatchHarness.configuration())
    }
}
