import FileWatch
import LinuxSystem
import Testing

/// File systems mounted and unmounted under a running inotify watch: over the root, on a
/// subdirectory, bound from elsewhere, and unrelated. inotify sees none of it; the watcher must.
/// Every test unmounts in a `defer`, whatever happened.
extension FileWatcherTests {
    @Test(.enabled(if: TemporaryTree.canMount, "needs root and permission to mount tmpfs"))
    func tmpfsMountedOverTheRootAndUnmountedIsFollowed() async throws {
        try await mountedAndUnmounted(at: "", binding: nil)
    }

    @Test(.enabled(if: TemporaryTree.canMount, "needs root and permission to mount tmpfs"))
    func tmpfsMountedOnASubdirectoryAndUnmountedIsFollowed() async throws {
        try await mountedAndUnmounted(at: "sub", binding: nil)
    }

    @Test(.enabled(if: TemporaryTree.canMount, "needs root and permission to mount tmpfs"))
    func bindMountOverTheRootAndItsUnmountAreFollowed() async throws {
        try await mountedAndUnmounted(at: "", binding: "bound")
    }

    @Test(.enabled(if: TemporaryTree.canMount, "needs root and permission to mount tmpfs"))
    func mountElsewhereIsNotARescan() async throws {
        let tree = try TemporaryTree()
        defer { tree.unmountAll() }
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        try tree.mount(tree.outside)
        try tree.unmount(tree.outside)
        // The mount table is looked at before the events of the same wake-up, so once the marker is
        // in, both mount changes were judged.
        try tree.write("marker")
        let log = try await harness.waitForReports(changed: ["marker"])
        #expect(log.rescanReasons == [.startup])
    }

    /// Mounts at `point` (a fresh tmpfs, or `binding`, a directory beside the root), then unmounts:
    /// each is one `.mountChanged` rescan, and writes land where the path now leads and are reported.
    private func mountedAndUnmounted(at point: FilePathBytes, binding: FilePathBytes?) async throws {
        let tree = try TemporaryTree()
        defer { tree.unmountAll() }
        let directory = { (name: FilePathBytes) in point.isEmpty ? name : point.appending(name) }
        if !point.isEmpty { try tree.makeDirectory(point) }
        try tree.write(directory("original"))
        let source = binding.map { tree.outside.appending($0) }
        if let source {
            try TemporaryTree.makeDirectory(source)
            try tree.write(source.appending("already-there"))
        }
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }

        try tree.mount(point, binding: source)
        try await harness.waitUntil("a rescan for the mount") { $0.rescanReasons.contains(.mountChanged) }
        try tree.write(directory("mounted"))
        try await harness.waitForReports(changed: [directory("mounted")])

        try tree.unmount(point)
        try await harness.waitUntil("a rescan for the unmount") { $0.rescanReasons.count >= 3 }
        try tree.write(directory("after"))
        let log = try await harness.waitForReports(changed: [directory("after")])
        #expect(log.rescanReasons == [.startup, .mountChanged, .mountChanged])
        #expect(log.everChanged == [directory("mounted"), directory("after")])
        #expect(log.everRemoved.isEmpty)
        #expect(log.batches.allSatisfy { $0.rootState == .present })
    }
}
