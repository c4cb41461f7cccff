import LinuxSystem

/// One running polling watch, for file systems where inotify does not see every change (see
/// `ChangeDetection`): `lstat`s the whole tree every interval and reports the difference as the
/// same `WatchBatch`es the inotify session sends. Confined to the thread `FileWatcher.events()`
/// starts, like `WatchSession`; stat walks over a network file system block for long stretches,
/// which must not happen on Swift's cooperative pool.
///
/// The interval is measured from the end of one scan to the start of the next, so a scan slower
/// than the interval never runs back to back with the next one.
final class PollingSession {
    typealias Instant = ContinuousClock.Instant

    /// Thrown out of a walk when the consumer went away, so a long scan stops early.
    private struct Stopped: Error {}

    private let root: FilePathBytes
    private let configuration: FileWatcher.Configuration
    private let interval: Duration
    private let stop: WatchStop
    private var output: BatchOutput
    private let clock = ContinuousClock()
    private var diff: PollingDiff<Instant>
    /// The root directory being scanned; nil while it is missing (or before the first scan).
    private var rootIdentity: (device: UInt64, inode: UInt64)?
    private var hasReported = false

    /// The thread's body: runs until the consumer goes away.
    static func run(root: FilePathBytes, configuration: FileWatcher.Configuration, interval: Duration,
                    stop: WatchStop, output: AsyncThrowingStream<WatchBatch, any Error>.Continuation) {
        let session = PollingSession(root: root, configuration: configuration, interval: interval,
                                     stop: stop, output: output)
        session.loop()
        output.finish()
    }

    private init(root: FilePathBytes, configuration: FileWatcher.Configuration, interval: Duration,
                 stop: WatchStop, output: AsyncThrowingStream<WatchBatch, any Error>.Continuation) {
        self.root = root
        self.configuration = configuration
        // A zero or negative interval would spin; a millisecond is as often as makes sense.
        self.interval = max(interval, .milliseconds(1))
        self.stop = stop
        self.output = BatchOutput(output, maximumUndeliveredPaths: configuration.maximumUndeliveredPaths)
        diff = PollingDiff(maximumDelay: configuration.maximumDelay)
    }

    private func loop() {
        var nextScan = clock.now
        while !stop.isRequested {
            output.flush()
            if clock.now >= nextScan {
                do {
                    try scanOnce()
                } catch {
                    return
                }
                nextScan = clock.now.advanced(by: interval)
            }
            // Wake for the next scan, or sooner to retry a batch the consumer had no room for.
            var wake = nextScan
            if output.hasUndelivered { wake = min(wake, clock.now.advanced(by: .milliseconds(20))) }
            wait(until: wake)
        }
    }

    /// One scan: notices the root going and coming, else diffs the tree against the last scan.
    private func scanOnce() throws(Stopped) {
        guard let identity = directoryIdentity(of: root) else {
            rootMissing()
            return
        }
        if let known = rootIdentity, known != identity {
            rootMissing()  // deleted and re-created (or re-mounted) between two scans
        }
        let snapshot = try scan()
        // The walk skips what it cannot list, so a root that went away during it would look
        // like every file was removed: check it is still the same directory first.
        guard let after = directoryIdentity(of: root), after == identity else {
            rootMissing()
            return
        }
        if rootIdentity == nil {
            rootIdentity = identity
            diff.reset()
            _ = diff.take(snapshot, at: clock.now)
            // The first batch of the watch is the startup scan; after a `.missing` the root returned.
            emit(WatchBatch(rescanReason: hasReported ? .rootReturned : .startup))
            return
        }
        let (changed, removed, rulesChanged) = diff.take(snapshot, at: clock.now)
        if !changed.isEmpty || !removed.isEmpty || !rulesChanged.isEmpty {
            emit(WatchBatch(changed: changed, removed: removed, rulesChanged: rulesChanged))
        }
    }

    /// Says `.missing` once (at start, or when a present root goes) and forgets the tree: nothing
    /// under a missing root is reported removed, as with inotify.
    private func rootMissing() {
        if rootIdentity != nil || !hasReported { emit(WatchBatch(rootState: .missing)) }
        rootIdentity = nil
        diff.reset()
    }

    /// `lstat`s every file the ignore rules keep, reading rule files afresh (a changed rule file
    /// shows up as changed rules, which the batch lists in `rulesChanged`).
    private func scan() throws(Stopped) -> ScanSnapshot {
        var rules = configuration.ignoreRules
        var snapshot = ScanSnapshot(rules: rules)
        let root = root, stop = stop
        try walkTree(root: root, from: "", rules: &rules) { (_) throws(Stopped) -> Bool in
            if stop.isRequested { throw Stopped() }
            return true
        } visitFile: { path in
            do throws(SystemError) {
                let status = try FileStatus.of(path.absolute(under: root))
                if status.kind != .directory { snapshot.files[path] = status }
            } catch where [Errno.noSuchFile, .notDirectory].contains(error.errno) {
                // Gone between the listing and the stat: absent.
            } catch {
                snapshot.unreadableFiles.append(path)
            }
        } listingFailed: { directory, error in
            if ![Errno.noSuchFile, .notDirectory].contains(error.errno) { snapshot.unreadableDirectories.append(directory) }
        }
        snapshot.rules = rules
        return snapshot
    }

    private func emit(_ batch: WatchBatch) {
        hasReported = true
        output.emit(batch)
    }

    /// Sleeps in `poll` on the stop signal, so cancelling the consumer ends the wait at once.
    private func wait(until deadline: Instant) {
        while !stop.isRequested {
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero { return }
            _ = try? stop.wake.readEnd.poll(for: .readable, timeoutMilliseconds: remaining.pollMilliseconds)
        }
    }
}
