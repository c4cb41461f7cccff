import FileWatch
import LinuxSystem
import Testing

@Suite struct LimitsTests {
    @Test func enospcMessageNamesTheLimitTheNeedAndTheFix() {
        let injected = SystemError("inotify_add_watch", subject: "/srv/docs/a", errno: .noSpace)
        let limits = InotifyLimits(maxUserWatches: 8192, maxUserInstances: 128, maxQueuedEvents: 16384)
        let error = WatchError.from(injected, path: "/srv/docs/a", limits: { limits }, watchesNeeded: { 12_345 })
        #expect(error == .watchLimitReached(path: "/srv/docs/a", limits: limits, watchesNeeded: 12_345))
        let message = error.description
        #expect(message.contains("/srv/docs/a"))
        #expect(message.contains("ENOSPC"))
        #expect(message.contains("fs.inotify.max_user_watches is 8192"))
        #expect(message.contains("needs 12345 watches"))
        #expect(message.contains("sudo sysctl fs.inotify.max_user_watches=65536"))
        #expect(message.contains("In a container the limit is the host's"))
    }

    @Test func emfileMessageNamesTheInstanceLimit() {
        let injected = SystemError("inotify_init1", errno: .tooManyOpenFiles)
        let limits = InotifyLimits(maxUserWatches: 8192, maxUserInstances: 128, maxQueuedEvents: 16384)
        let message = WatchError.from(injected, path: "/srv", limits: { limits }, watchesNeeded: { 1 }).description
        #expect(message.contains("fs.inotify.max_user_instances is 128"))
        #expect(message.contains("sysctl fs.inotify.max_user_instances=256"))
        #expect(message.contains("host"))
    }

    @Test func otherErrorsPassThrough() {
        let injected = SystemError("inotify_add_watch", errno: .permissionDenied)
        #expect(WatchError.from(injected, path: "/x", limits: { Issue.record("not needed"); return .current() },
                                watchesNeeded: { 0 }) == .system(injected))
    }

    @Test func currentLimitsAreReadFromProc() {
        let limits = InotifyLimits.current()
        #expect((limits.maxUserWatches ?? 0) > 0)
        #expect((limits.maxUserInstances ?? 0) > 0)
        #expect((limits.maxQueuedEvents ?? 0) > 0)
    }

    @Test func watchesNeededCountsDirectoriesNotIgnored() async throws {
        let tree = try TemporaryTree()
        try await tree.run("mkdir -p a/b c .git/objects node_modules/x && echo f > a/file && echo 'node_modules/' > .aisearchignore")
        #expect(watchesNeeded(root: tree.root) == 4)  // root, a, a/b, c
        #expect(watchesNeeded(root: tree.root, rules: IgnoreRules(includeDefaults: false)) == 6)  // + .git, .git/objects; the rule file still applies
    }
}
