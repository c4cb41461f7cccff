import FileWatch
import LinuxSystem
import Testing

/// Scenarios whose outcome must not depend on how changes are detected: the inotify and the
/// polling tests run the same body with their own configuration.
enum WatchScenarios {
    static func rootDeletedAndRecreated(_ configuration: FileWatcher.Configuration) async throws {
        let tree = try TemporaryTree()
        try await tree.run("mkdir -p sub && echo 1 > a && echo 2 > sub/b")
        let harness = try await WatchHarness(root: tree.root, configuration: configuration)
        defer { harness.stop() }
        // Gone at once: a scan (or a settled event) in the middle of a recursive delete would
        // rightly report the files deleted first, which is not what this is about.
        try await tree.run("mv root gone && rm -rf gone", in: tree.base)
        try await harness.waitUntil("root missing") { $0.batches.last?.rootState == .missing }
        try TemporaryTree.makeDirectory(tree.root)
        try tree.write("c", "3\n")
        let log = try await harness.waitUntil("root back with a rescan") {
            $0.batches.last?.rootState == .present && $0.rescanReasons.contains(.rootReturned)
        }
        #expect(log.everRemoved.isEmpty)
        #expect(log.rescanReasons == [.startup, .rootReturned])
        #expect(log.rootStates == [.present, .missing, .present])
        // And it watches again.
        try tree.write("d", "4\n")
        let after = try await harness.waitForReports(changed: ["d"])
        #expect(after.everRemoved.isEmpty)
    }

    static func ignoredPathsAreNotReported(_ configuration: FileWatcher.Configuration) async throws {
        let tree = try TemporaryTree()
        try tree.write(".aisearchignore", "build/\n*.log\n!keep.log\n")
        try tree.makeDirectory("build")
        let harness = try await WatchHarness(root: tree.root, configuration: configuration)
        defer { harness.stop() }
        try await tree.run("mkdir -p .git/objects && echo x > .git/objects/a && echo y > build/out && echo l > a.log && echo k > keep.log && echo m > main.md")
        let log = try await harness.waitForReports(changed: ["keep.log", "main.md"])
        #expect(log.everChanged == ["keep.log", "main.md"])
        #expect(log.everRemoved.isEmpty)
    }

    /// Writing a rule file, at the root and in a subdirectory, is reported as changed rules for
    /// that directory, never as a rescan, and nothing becomes "removed" by being ignored.
    static func ruleFileChangesAreReportedWithoutARescan(_ configuration: FileWatcher.Configuration) async throws {
        let tree = try TemporaryTree()
        try await tree.run("mkdir -p sub && echo l > a.log && echo l > sub/b.log && echo t > sub/t")
        let harness = try await WatchHarness(root: tree.root, configuration: configuration)
        defer { harness.stop() }
        try tree.write(".aisearchignore", "*.log\n")
        var log = try await harness.waitUntil("the root's rules changed") { $0.everRulesChanged.contains("") }
        #expect(log.batches.contains { $0.rulesChanged == [""] && !$0.rescan })
        // Events are reported in order: once the marker is in, the root file's last event is handled.
        try tree.write("marker")
        try await harness.waitForReports(changed: ["marker"])
        try tree.write("sub/.aisearchignore", "t\n")
        log = try await harness.waitUntil("sub's rules changed") { $0.everRulesChanged.contains("sub") }
        #expect(log.batches.contains { $0.rulesChanged == ["sub"] && !$0.rescan })
        // Likewise: once this marker is in, no rescan can still be on its way.
        try tree.write("marker2")
        log = try await harness.waitForReports(changed: ["marker2"])
        #expect(log.rescanReasons == [.startup])
        #expect(log.everRulesChanged == ["", "sub"])
        #expect(log.everRemoved.isEmpty)
    }

    /// A directory the rules stop ignoring is watched from then on, at every depth.
    static func directoryNewlyIncludedIsWatched(_ configuration: FileWatcher.Configuration) async throws {
        let tree = try TemporaryTree()
        try tree.write(".aisearchignore", "build/\n")
        try await tree.run("mkdir -p build/deep && echo o > build/old")
        let harness = try await WatchHarness(root: tree.root, configuration: configuration)
        defer { harness.stop() }
        try tree.remove(".aisearchignore")
        try await harness.waitUntil("the root's rules changed") { $0.everRulesChanged.contains("") }
        try tree.write("build/after")
        try tree.write("build/deep/after")
        let log = try await harness.waitForReports(changed: ["build/after", "build/deep/after"])
        #expect(log.rescanReasons == [.startup])
        #expect(log.everRemoved.isEmpty)
    }

    /// A directory the rules start ignoring is no longer reported; the rule file arrives by an
    /// editor's rename, as a safe-save does.
    static func directoryNewlyIgnoredIsNotReported(_ configuration: FileWatcher.Configuration) async throws {
        let tree = try TemporaryTree()
        try await tree.run("mkdir -p docs/deep && echo a > docs/a && echo b > docs/deep/b")
        let harness = try await WatchHarness(root: tree.root, configuration: configuration)
        defer { harness.stop() }
        try tree.write(".aisearchignore.tmp", "docs/\n")
        try tree.rename(".aisearchignore.tmp", ".aisearchignore")
        try await harness.waitUntil("the root's rules changed") { $0.everRulesChanged.contains("") }
        try tree.write("docs/late")
        try tree.write("docs/deep/late")
        try tree.remove("docs/a")
        try tree.write("marker")
        let log = try await harness.waitForReports(changed: ["marker"])
        #expect(log.everChanged.isDisjoint(with: ["docs/late", "docs/deep/late"]))
        // The temporary name may have settled (and then gone) before the rename; nothing else goes.
        #expect(log.everRemoved.isSubset(of: [".aisearchignore.tmp"]))
        #expect(log.rescanReasons == [.startup])
    }
}
