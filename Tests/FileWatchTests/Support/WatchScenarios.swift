import FileWatch
import LinuxSystem
import Testing

/// Scenarios whose outcome must not depend on how changes are detected: the inotify and the
/// polling tests run the same body with their own configuration.
enum WatchScenarios {
    static func rootDeletedAndRecreated(_ configuration: FileWatcher.Configuration) async throws {
        let tree = try TemporaryTree()
        try tree.run("mkdir -p sub && echo 1 > a && echo 2 > sub/b")
        let harness = try await WatchHarness(root: tree.root, configuration: configuration)
        defer { harness.stop() }
        try tree.run("rm -rf root", in: tree.base)
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
        try tree.run("mkdir -p .git/objects && echo x > .git/objects/a && echo y > build/out && echo l > a.log && echo k > keep.log && echo m > main.md")
        let log = try await harness.waitForReports(changed: ["keep.log", "main.md"])
        #expect(log.everChanged == ["keep.log", "main.md"])
        #expect(log.everRemoved.isEmpty)
    }
}
