#if canImport(Glibc)
import Glibc
#endif
import FileWatch
import LinuxSystem
import Testing

/// Real inotify in temporary directories. Serialized: several tests create thousands of files,
/// and the cancellation test counts this process's inotify descriptors.
@Suite(.serialized)
struct FileWatcherTests {
    @Test func firstBatchAsksForTheInitialScan() async throws {
        let tree = try TemporaryTree()
        try tree.write("existing")
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        let log = await harness.log
        #expect(log.batches.first == WatchBatch(rescanReason: .startup, rootState: .present))
    }

    @Test func mkdirParentsThenImmediateWritesAtDepthFive() async throws {
        let tree = try TemporaryTree()
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        try await tree.run("mkdir -p a/b/c/d/e && echo x > a/b/c/d/e/f && echo y > a/b/c/g && echo z > a/top")
        let expected = Set(["a/b/c/d/e/f", "a/b/c/g", "a/top"])
        let log = try await harness.waitForReports(changed: expected)
        #expect(log.everChanged == expected)
        #expect(log.everRemoved.isEmpty)
    }

    @Test func thousandFilesInANewDirectory() async throws {
        let tree = try TemporaryTree()
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        try tree.makeDirectory("burst")
        var expected: Set<FilePathBytes> = []
        for index in 0..<1000 {
            let name = FilePathBytes("burst/file-\(index).txt")
            try tree.write(name, "\(index)\n")
            expected.insert(name)
        }
        let log = try await harness.waitForReports(changed: expected)
        #expect(log.everChanged == expected)
        #expect(log.everRemoved.isEmpty)
    }

    @Test func tarExtraction() async throws {
        let tree = try TemporaryTree()
        try await tree.run("mkdir -p src/docs/guide/deep src/img && for i in 1 2 3 4 5; do echo $i > src/docs/guide/p$i.md; done "
                     + "&& echo d > src/docs/guide/deep/x.md && echo i > src/img/logo.svg && echo r > src/README "
                     + "&& tar -C src -cf bundle.tar .", in: tree.outside)
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        try await tree.run("tar -xf '\(tree.outside)/bundle.tar'")
        var expected = Set(["docs/guide/deep/x.md", "img/logo.svg", "README"])
        for index in 1...5 { expected.insert(FilePathBytes("docs/guide/p\(index).md")) }
        let log = try await harness.waitForReports(changed: expected)
        #expect(log.everChanged == expected)
        #expect(log.everRemoved.isEmpty)
    }

    @Test func vimStyleSaveIsOneChange() async throws {
        let tree = try TemporaryTree()
        try tree.write("f", "old\n")
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        try tree.write("4913", "")
        try tree.remove("4913")
        try tree.rename("f", "f~")
        try tree.write("f", "new\n")
        try tree.remove("f~")
        let log = try await harness.waitForReports(changed: ["f"])
        #expect(log.everChanged == ["f"])
        #expect(log.everRemoved.isEmpty)
    }

    @Test(.enabled(if: TemporaryTree.isInstalled("vim"))) func realVimSaveIsOneChange() async throws {
        let tree = try TemporaryTree()
        try tree.write("f", "first line\n")
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        try await tree.run("vim -Es -u NONE -c 'set backup writebackup backupcopy=no' -c 'normal Gonew line' -c wq f")
        let log = try await harness.waitForReports(changed: ["f"])
        #expect(log.everChanged == ["f"])
        #expect(log.everRemoved.isEmpty)
        #expect(try await tree.run("cat f") == "first line\nnew line\n")
    }

    @Test func jetBrainsSafeWriteIsOneChange() async throws {
        let tree = try TemporaryTree()
        try tree.write("f", "old\n")
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        try tree.write("f___jb_tmp___", "new\n")
        try tree.rename("f", "f___jb_old___")
        try tree.rename("f___jb_tmp___", "f")
        try tree.remove("f___jb_old___")
        let log = try await harness.waitForReports(changed: ["f"])
        #expect(log.everChanged == ["f"])
        #expect(log.everRemoved.isEmpty)
    }

    @Test func emacsLockSymlinkIsIgnored() async throws {
        let tree = try TemporaryTree()
        try tree.write("f", "old\n")
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        try tree.symlink(".#f", to: "user@host.4242:1700000000")
        try tree.write("f", "new\n")
        try tree.write("#f#", "autosave\n")
        try tree.remove(".#f")
        let log = try await harness.waitForReports(changed: ["f"])
        #expect(log.everChanged == ["f"])
        #expect(log.everRemoved.isEmpty)
    }

    @Test func sedInPlaceEditIsOnlyTheFile() async throws {
        let tree = try TemporaryTree()
        try tree.write("notes.md", "alpha\nbeta\n")
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        try await tree.run("sed -i 's/beta/gamma/' notes.md")
        let log = try await harness.waitForReports(changed: ["notes.md"])
        #expect(log.everChanged == ["notes.md"])
        #expect(log.everRemoved.isEmpty)
    }

    @Test func symlinkIsReportedButNotFollowed() async throws {
        let tree = try TemporaryTree()
        try tree.write(tree.outside.appending("elsewhere.md"))
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        try tree.symlink("link", to: tree.outside.description)
        try tree.write(tree.outside.appending("later.md"))
        try tree.write("marker")
        let log = try await harness.waitForReports(changed: ["link", "marker"])
        #expect(log.everChanged == ["link", "marker"])
    }

    @Test func renameOfDirectoryWithHundredFiles() async throws {
        let tree = try TemporaryTree()
        try tree.makeDirectory("old")
        var oldPaths: Set<FilePathBytes> = [], newPaths: Set<FilePathBytes> = []
        for index in 0..<100 {
            try tree.write(FilePathBytes("old/\(index).md"))
            oldPaths.insert(FilePathBytes("old/\(index).md"))
            newPaths.insert(FilePathBytes("new/\(index).md"))
        }
        try await tree.run("mkdir -p old/sub/deeper && echo d > old/sub/deeper/d.md")
        oldPaths.insert("old/sub/deeper/d.md")
        newPaths.insert("new/sub/deeper/d.md")
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        try tree.rename("old", "new")
        var log = try await harness.waitForReports(changed: newPaths, removed: oldPaths)
        #expect(log.everChanged == newPaths)
        #expect(log.everRemoved == oldPaths)
        // The watches followed the rename: writes below the new name, at any depth, are reported under it.
        try tree.write("new/after.md")
        try tree.write("new/sub/deeper/after.md")
        let later = newPaths.union(["new/after.md", "new/sub/deeper/after.md"])
        log = try await harness.waitForReports(changed: later)
        #expect(log.everChanged == later)
        #expect(log.everRemoved == oldPaths)
    }

    @Test func directoryMovedOutAndIn() async throws {
        let tree = try TemporaryTree()
        try await tree.run("mkdir -p d/sub && echo 1 > d/one && echo 2 > d/sub/two")
        try await tree.run("mkdir -p e/inner && echo 3 > e/three && echo 4 > e/inner/four", in: tree.outside)
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        try tree.rename("d", tree.outside.appending("d"))
        let removed = Set(["d/one", "d/sub/two"])
        var log = try await harness.waitForReports(removed: removed)
        #expect(log.everRemoved == removed)
        #expect(log.everChanged.isEmpty)

        try tree.rename(tree.outside.appending("e"), "e")
        let changed = Set(["e/three", "e/inner/four"])
        // Writes in the moved-out directory must no longer be reported.
        try tree.write(tree.outside.appending("d/sub/late"))
        log = try await harness.waitForReports(changed: changed)
        #expect(log.everChanged == changed)
        #expect(log.everRemoved == removed)
    }

    @Test func nonUTF8NameRoundTrips() async throws {
        let tree = try TemporaryTree()
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        let name = FilePathBytes([0x66, 0xFF, 0xFE, 0x2E, 0x6D, 0x64])
        try tree.write(name)
        let log = try await harness.waitForReports(changed: [name])
        #expect(log.everChanged == [name])
        #expect(log.everChanged.first?.bytes == [0x66, 0xFF, 0xFE, 0x2E, 0x6D, 0x64])
    }

    @Test func ignoredDirectoryIsNotWatched() async throws {
        try await WatchScenarios.ignoredPathsAreNotReported(WatchHarness.configuration())
    }

    @Test func writeAfterSettleIsReportedAgain() async throws {
        let tree = try TemporaryTree()
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        try tree.write("f", "1\n")
        try await harness.waitForReports(changed: ["f"])
        await harness.box.reset()
        try tree.remove("f")
        let log = try await harness.waitForReports(removed: ["f"])
        #expect(log.everRemoved == ["f"])
        #expect(log.everChanged.isEmpty)
    }

    @Test func rootDeletedAndRecreated() async throws {
        try await WatchScenarios.rootDeletedAndRecreated(WatchHarness.configuration())
    }

    @Test func missingRootAtStartIsReportedAndPickedUp() async throws {
        let tree = try TemporaryTree()
        try await tree.run("rmdir root", in: tree.base)
        let harness = try await WatchHarness(root: tree.root)
        defer { harness.stop() }
        #expect(await harness.log.batches.first == WatchBatch(rootState: .missing))
        try TemporaryTree.makeDirectory(tree.root)
        try await harness.waitUntil("root present") { $0.batches.last == WatchBatch(rescanReason: .rootReturned, rootState: .present) }
        try tree.write("x")
        try await harness.waitForReports(changed: ["x"])
    }

    /// The flood directory exists before the watch starts, and the files are written only once the
    /// reader is parked at the gate: every event then stays queued, so the queue overflows for
    /// sure, however the threads are scheduled.
    @Test func overflowEndsInRescanAndNothingIsLost() async throws {
        let tree = try TemporaryTree()
        let queued = InotifyLimits.current().maxQueuedEvents ?? 16384
        try tree.makeDirectory("flood")
        var configuration = WatchHarness.configuration()
        let gate = WatchReadGate()
        configuration.readGate = gate
        let harness = try await WatchHarness(root: tree.root, configuration: configuration)
        defer { harness.stop() }
        gate.suspend()
        try await waitUntil("the reader parks at the gate") { gate.isHoldingReader }
        // Each creation queues IN_CREATE and IN_CLOSE_WRITE: this is well past the queue's limit.
        var created: Set<FilePathBytes> = ["flood/after-rescan"]
        for index in 0..<(queued / 2 + 2000) {
            try tree.write(FilePathBytes("flood/\(index)"), "")
            created.insert(FilePathBytes("flood/\(index)"))
        }
        gate.resume()
        let rescanned = try await harness.waitUntil("a rescan after the overflow") { $0.rescanReasons.contains(.overflow) }
        #expect(rescanned.rescanReasons == [.startup, .overflow])
        // The test's side of the rescan: a full scan. Together with the reported paths, nothing is lost.
        try tree.write("flood/after-rescan")
        let log = try await harness.waitForReports(changed: ["flood/after-rescan"])
        let scanned = tree.scan()
        #expect(scanned == created)
        #expect(log.everChanged.isSubset(of: created))
        #expect(log.everRemoved.isEmpty)
    }

    @Test func cancellingTheConsumerClosesTheDescriptor() async throws {
        let tree = try TemporaryTree()
        let before = inotifyDescriptorCount()
        let harness = try await WatchHarness(root: tree.root)
        #expect(inotifyDescriptorCount() == before + 1)
        harness.stop()
        try await harness.waitUntil("the stream ends") { $0.finished }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(10))
        while inotifyDescriptorCount() > before && clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(inotifyDescriptorCount() == before)
    }
}

/// This process's open inotify descriptors, from /proc/self/fd.
func inotifyDescriptorCount() -> Int {
    guard let entries = try? directoryEntries(of: "/proc/self/fd") else { return -1 }
    return entries.filter { entry in
        var target = [CChar](repeating: 0, count: 256)
        let length = FilePathBytes("/proc/self/fd").appending(entry.name).withCString { readlink($0, &target, 255) }
        guard length > 0 else { return false }
        return String(decoding: target[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) == "anon_inode:inotify"
    }.count
}
