import FileWatch
import LinuxSystem
import Testing

@Suite struct WatchDiagnosticsTests {
    static let ext4 = FilesystemInfo(typeName: "ext4", magic: 0xEF53)
    static let limits = InotifyLimits(maxUserWatches: 8192, maxUserInstances: 128, maxQueuedEvents: 16384)

    @Test func localTreeWithinTheLimitIsQuiet() {
        let diagnostics = WatchDiagnostics(root: "/srv/docs", filesystem: .success(Self.ext4), limits: Self.limits,
                                           watchesNeeded: 120)
        #expect(diagnostics.detection == .inotify)
        #expect(diagnostics.reason == nil)
        #expect(diagnostics.warnings.isEmpty)
        #expect(diagnostics.summary == ["fs_type": "ext4", "fs_magic": "0xef53", "detection": "inotify",
                                        "watches_needed": "120", "max_user_watches": "8192"])
    }

    @Test func moreDirectoriesThanWatchesFallsBackToPolling() {
        let diagnostics = WatchDiagnostics(root: "/srv/docs", filesystem: .success(Self.ext4), limits: Self.limits,
                                           watchesNeeded: 12000)
        #expect(diagnostics.detection == .polling(interval: .seconds(2)))
        #expect(diagnostics.warnings.count == 1)
        let warning = diagnostics.warnings[0]
        #expect(warning.hasPrefix("inotify allows 8192 watches per user (fs.inotify.max_user_watches) but the folder has 12000 directories"))
        #expect(warning.contains("sudo sysctl fs.inotify.max_user_watches=65536"))
        #expect(warning.contains("falls back to periodic scans"))
        #expect(diagnostics.summary["detection"] == "polling")
        #expect(diagnostics.summary["poll_interval"] == "2s")
    }

    @Test func nearTheLimitWarnsButKeepsInotify() {
        let diagnostics = WatchDiagnostics(root: "/srv/docs", filesystem: .success(Self.ext4), limits: Self.limits,
                                           watchesNeeded: 7000)
        #expect(diagnostics.detection == .inotify)
        #expect(diagnostics.warnings.count == 1)
        #expect(diagnostics.warnings.first?.contains("needs 7000 of the 8192 inotify watches") == true)
    }

    @Test func nfsIsPolledWhateverTheLimit() {
        let diagnostics = WatchDiagnostics(root: "/mnt/share", filesystem: .success(FilesystemInfo(typeName: "nfs4", magic: 0x6969)),
                                           limits: Self.limits, watchesNeeded: 50_000)
        #expect(diagnostics.detection == .polling(interval: .seconds(2)))
        #expect(diagnostics.warnings == [diagnostics.reason!])
        #expect(diagnostics.summary["fs_type"] == "nfs4")
    }

    @Test func unknownFileSystemAndLimitsAreSaidSo() {
        let error = SystemError("statfs", subject: "/srv/missing", errno: .noSuchFile)
        let diagnostics = WatchDiagnostics(root: "/srv/missing", filesystem: .failure(error),
                                           limits: InotifyLimits(maxUserWatches: nil, maxUserInstances: nil, maxQueuedEvents: nil),
                                           watchesNeeded: 1)
        #expect(diagnostics.detection == .inotify)
        #expect(diagnostics.filesystemError == error)
        #expect(diagnostics.warnings.count == 1)
        #expect(diagnostics.warnings.first?.contains("/srv/missing") == true)
        #expect(diagnostics.warnings.first?.contains("ENOENT") == true)
        #expect(diagnostics.summary["fs_type"] == "unknown")
        #expect(diagnostics.summary["max_user_watches"] == "unknown")
    }

    @Test func realTemporaryTree() async throws {
        let tree = try TemporaryTree()
        try await tree.run("mkdir -p a/b c .git/objects")
        let diagnostics = WatchDiagnostics(root: tree.root)
        #expect(diagnostics.filesystem != nil)
        #expect(diagnostics.watchesNeeded == 4)  // root, a, a/b, c
        #expect(diagnostics.summary["watches_needed"] == "4")
        #expect(diagnostics.summary["fs_type"] == diagnostics.filesystem?.typeName)
    }
}
