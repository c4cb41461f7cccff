import LinuxSystem

/// One running watch: reads inotify events, keeps the tree model, settles paths and emits
/// batches. Confined to the reader thread that `FileWatcher.events()` starts, so it is a plain
/// class without locks.
final class WatchSession {
    typealias Instant = ContinuousClock.Instant

    static let watchMask: InotifyMask = [
        .create, .delete, .modify, .attributes, .closeWrite, .movedFrom, .movedTo,
        .deleteSelf, .moveSelf, .onlyDirectory, .dontFollow, .excludeUnlinked,
    ]

    private struct PendingMove {
        var path: FilePathBytes
        var isDirectory: Bool
        var deadline: Instant
    }

    private let root: FilePathBytes
    private let configuration: FileWatcher.Configuration
    private let inotify: Inotify
    private let stop: WatchStop
    private var output: BatchOutput
    private let clock = ContinuousClock()

    private var rules: IgnoreRules
    private var tree = DirectoryTree()
    private var settle: SettleQueue<Instant>
    private var backoff: RescanBackoff<Instant>
    private var pendingMoves: [UInt32: PendingMove] = [:]
    /// Directories whose rule file changed in this read round; re-crawled in `tick()`.
    private var pendingRuleDirectories: Set<FilePathBytes> = []
    private var rootIdentity: (device: UInt64, inode: UInt64)?
    private var mounts: RootMountWatch
    private var nextRootPoll: Instant?

    /// The thread's body: runs until the consumer goes away or watching fails.
    static func run(root: FilePathBytes, configuration: FileWatcher.Configuration, stop: WatchStop,
                    output: AsyncThrowingStream<WatchBatch, any Error>.Continuation) {
        let inotify: Inotify
        do {
            inotify = try Inotify()
        } catch {
            output.finish(throwing: WatchError.from(error, path: root, limits: { .current() },
                                                    watchesNeeded: { watchesNeeded(root: root, rules: configuration.ignoreRules) }))
            return
        }
        let session = WatchSession(root: root, configuration: configuration, inotify: inotify, stop: stop, output: output)
        defer { inotify.close() }
        do {
            try session.loop()
            output.finish()
        } catch {
            output.finish(throwing: error)
        }
    }

    private init(root: FilePathBytes, configuration: FileWatcher.Configuration, inotify: Inotify, stop: WatchStop,
                 output: AsyncThrowingStream<WatchBatch, any Error>.Continuation) {
        self.root = root
        self.configuration = configuration
        self.inotify = inotify
        self.stop = stop
        self.output = BatchOutput(output, maximumUndeliveredPaths: configuration.maximumUndeliveredPaths)
        rules = configuration.ignoreRules
        mounts = RootMountWatch(root: root)
        settle = SettleQueue(settleWindow: configuration.settleWindow,
                             closeWriteSettleWindow: configuration.closeWriteSettleWindow,
                             maximumDelay: configuration.maximumDelay)
        backoff = RescanBackoff(initial: configuration.rescanBackoffInitial, maximum: configuration.rescanBackoffMaximum)
    }

    // MARK: The loop

    private func loop() throws(WatchError) {
        if try attachRoot() {
            emit(WatchBatch(rescanReason: .startup))
        } else {
            nextRootPoll = clock.now.advanced(by: configuration.rootPollInterval)
            emit(WatchBatch(rootState: .missing))
        }
        while !stop.isRequested {
            if let gate = configuration.readGate, gate.isSuspended {
                // Leave the kernel queue alone (tests force an overflow this way).
                gate.setHoldingReader(true)
                while gate.isSuspended && !stop.isRequested {
                    _ = try? stop.wake.readEnd.poll(for: .readable, timeoutMilliseconds: WatchReadGate.checkIntervalMilliseconds)
                }
                gate.setHoldingReader(false)
                continue
            }
            do {
                var requests = [PollRequest(descriptor: inotify.descriptor, events: .readable),
                                PollRequest(descriptor: stop.wake.readEnd, events: .readable)]
                if let request = mounts.pollRequest { requests.append(request) }
                _ = try FileDescriptor.poll(&requests, timeoutMilliseconds: pollTimeout())
                if requests[0].returnedEvents.contains(.invalid) { throw SystemError("poll", errno: .badDescriptor) }
                stop.wake.drain()
                // Mounts first: the events queued meanwhile are about watches a remount drops.
                if requests.count > 2 && mounts.changeTouchesRoot(requests[2].returnedEvents) { try remount() }
                var events = requests[0].returnedEvents.contains(.readable) ? try inotify.readAvailable() : []
                var reads = 0
                while !events.isEmpty {
                    try handle(events)
                    reads += 1
                    events = reads < 64 ? try inotify.readAvailable() : []
                }
            } catch let error as WatchError {
                throw error
            } catch let error as SystemError {
                throw .system(error)
            } catch {
                throw .system(SystemError("read", errno: .invalidArgument))
            }
            try tick()
        }
    }

    /// Milliseconds until the earliest timer (settling, move pairing, rescan, root poll), rounded
    /// up so the loop does not spin just before a deadline; -1 when nothing is timed.
    private func pollTimeout() -> Int32 {
        var deadlines: [Instant] = []
        if let next = settle.nextDeadline { deadlines.append(next) }
        if let next = pendingMoves.values.map(\.deadline).min() { deadlines.append(next) }
        if let next = backoff.dueTime { deadlines.append(next) }
        if let next = nextRootPoll { deadlines.append(next) }
        if output.hasUndelivered { deadlines.append(clock.now.advanced(by: .milliseconds(20))) }
        if configuration.readGate != nil {
            deadlines.append(clock.now.advanced(by: .milliseconds(WatchReadGate.checkIntervalMilliseconds)))
        }
        guard let earliest = deadlines.min() else { return -1 }
        return clock.now.duration(to: earliest).pollMilliseconds
    }

    /// Everything timed: expired move pairs, settled paths, the rescan signal, the root poll.
    private func tick() throws(WatchError) {
        let now = clock.now
        for (cookie, move) in pendingMoves where move.deadline <= now {
            pendingMoves[cookie] = nil
            departed(move.path, isDirectory: move.isDirectory, removeWatches: true)
        }
        try applyRuleChanges()
        if nextRootPoll != nil {
            if let poll = nextRootPoll, poll <= now {
                if try attachRoot() {
                    emit(WatchBatch(rescanReason: .rootReturned))
                } else {
                    nextRootPoll = now.advanced(by: configuration.rootPollInterval)
                }
            }
            output.flush()
            return
        }
        if backoff.isPending, let due = backoff.dueTime, due <= now {
            // Events were lost: rebuild the picture (re-adding a watch returns the same
            // descriptor; directories created meanwhile get one), then signal.
            tree = DirectoryTree()
            try crawl(from: "", report: false)
            _ = backoff.takeIfDue(at: now)
            emit(WatchBatch(rescanReason: .overflow))
        }
        if let next = settle.nextDeadline, next <= now {
            let root = root
            let (changed, removed) = settle.takeDue(at: now) { PathSample(try? FileStatus.of($0.absolute(under: root))) }
            if !changed.isEmpty || !removed.isEmpty {
                if rootStillHere() {
                    emit(WatchBatch(changed: changed, removed: removed))
                } else {
                    detachRoot()
                }
            }
        }
        output.flush()
    }

    // MARK: Events

    private func handle(_ events: [InotifyEvent]) throws(WatchError) {
        for event in events {
            if nextRootPoll != nil { return }  // root gone: the rest is about the old tree
            if event.mask.contains(.queueOverflow) {
                backoff.request(at: clock.now)
                continue
            }
            guard let directory = tree.path(of: event.watch) else { continue }
            if event.mask.contains(.ignored) {
                if directory.isEmpty { detachRoot(); return }
                departed(directory, isDirectory: true, removeWatches: false)
                continue
            }
            if event.name.isEmpty {
                if directory.isEmpty && !event.mask.isDisjoint(with: [.deleteSelf, .moveSelf]) {
                    detachRoot()
                    return
                }
                if event.mask.contains(.unmount) {
                    try remount()  // the rest of the events are about the dropped watches
                    return
                }
                continue  // a subdirectory's own deletion or move is handled through its parent
            }
            let path = directory.appending(inTree: event.name)
            let isDirectory = event.mask.contains(.isDirectory)
            if !isDirectory && rules.isRuleFile(event.name) { ruleFileChanged(in: directory) }
            if event.mask.contains(.movedFrom) {
                pendingMoves[event.cookie] = PendingMove(path: path, isDirectory: isDirectory,
                                                         deadline: clock.now.advanced(by: configuration.moveGraceWindow))
            } else if event.mask.contains(.movedTo) {
                if let from = pendingMoves.removeValue(forKey: event.cookie) {
                    try moved(from: from.path, to: path, isDirectory: isDirectory)
                } else {
                    try arrived(path, isDirectory: isDirectory)
                }
            } else if event.mask.contains(.create) {
                try arrived(path, isDirectory: isDirectory)
            } else if event.mask.contains(.delete) {
                departed(path, isDirectory: isDirectory, removeWatches: false)
            } else if !isDirectory && !isIgnored(path, isDirectory: false) {
                note(path, closeWrite: event.mask.contains(.closeWrite))
            }
        }
    }

    private func isIgnored(_ path: FilePathBytes, isDirectory: Bool) -> Bool {
        rules.matchEntry(path, isDirectory: isDirectory)?.isIgnored ?? false
    }

    private func note(_ path: FilePathBytes, closeWrite: Bool = false, isNew: Bool = false) {
        let sample = PathSample(try? FileStatus.of(path.absolute(under: root)))
        settle.note(path, at: clock.now, sample: sample, closeWrite: closeWrite, isNew: isNew)
    }

    /// Created or moved in: a file is noted; a directory is watched, then listed, and everything
    /// in it is noted (so files written before the watch existed are not missed).
    private func arrived(_ path: FilePathBytes, isDirectory: Bool) throws(WatchError) {
        if isIgnored(path, isDirectory: isDirectory) { return }
        if isDirectory {
            try crawl(from: path, report: true)
        } else {
            let isNew = !tree.containsFile(path)
            tree.insertFile(path)
            note(path, isNew: isNew)
        }
    }

    /// Deleted or moved out: a file is noted (the stat will say "gone"); a directory's known
    /// files are all noted and its watches dropped (removed from the kernel too if it still exists
    /// elsewhere, or its events would come back under a stale path).
    private func departed(_ path: FilePathBytes, isDirectory: Bool, removeWatches: Bool) {
        if isDirectory {
            let (files, watches) = tree.removeSubtree(path)
            if removeWatches { watches.forEach(inotify.removeWatch) }
            rules.removeRuleFiles(under: path)
            files.forEach { note($0) }
        } else {
            tree.removeFile(path)
            if !isIgnored(path, isDirectory: false) { note(path) }
        }
    }

    /// A rename inside the tree. A watched directory keeps its watches; every path below it moves.
    private func moved(from old: FilePathBytes, to new: FilePathBytes, isDirectory: Bool) throws(WatchError) {
        guard isDirectory, tree.contains(old), !isIgnored(new, isDirectory: true) else {
            departed(old, isDirectory: isDirectory, removeWatches: true)
            try arrived(new, isDirectory: isDirectory)
            return
        }
        let oldFiles = tree.files(under: old)
        tree.rename(old, to: new)
        rules.rebaseRuleFiles(from: old, to: new)
        oldFiles.forEach { note($0) }
        tree.files(under: new).forEach { note($0, isNew: true) }
    }

    /// A rule file was written, removed or renamed: reload it at once (the rest of this round's
    /// events are judged by it) and re-crawl its subtree at the end of the round.
    private func ruleFileChanged(in directory: FilePathBytes) {
        rules.loadRuleFile(root: root, directory: directory)
        pendingRuleDirectories.insert(directory)
    }

    /// Re-crawls the subtree of every directory whose rule file changed (the outermost ones cover
    /// the rest), so the watches follow the new rules, then says which directories they were
    /// (`WatchBatch.rulesChanged`), leaving out any that is now ignored; the consumer re-evaluates
    /// those subtrees. No rescan: no event was lost.
    private func applyRuleChanges() throws(WatchError) {
        guard !pendingRuleDirectories.isEmpty else { return }
        let directories = pendingRuleDirectories
        pendingRuleDirectories = []
        for directory in directories.outermostInTree where tree.contains(directory) { try recrawl(directory) }
        let reported = directories.filter { tree.contains($0) }
        if !reported.isEmpty { emit(WatchBatch(rulesChanged: reported)) }
    }

    /// Crawls `directory` again under the current rules. Directories now included get watches
    /// (their files are left to the consumer's scan of the subtree); directories now ignored lose
    /// their watches and entries, unreported; a directory that vanished meanwhile departs as usual.
    /// Paths still settling that are now ignored are dropped, so no ignored path is reported.
    private func recrawl(_ directory: FilePathBytes) throws(WatchError) {
        let before = tree.directories(under: directory)
        let entered = try crawl(from: directory, report: false)
        for stale in before.subtracting(entered).sorted() where tree.contains(stale) {
            if rules.isIgnored(stale, isDirectory: true) {
                tree.removeSubtree(stale).watches.forEach(inotify.removeWatch)
                rules.removeRuleFiles(under: stale)
            } else {
                departed(stale, isDirectory: true, removeWatches: true)
            }
        }
        let rules = rules
        settle.removeAll { $0.isWithin(inTree: directory) && rules.isIgnored($0, isDirectory: false) }
    }

    // MARK: Crawling and the root

    /// Watches `start` and every directory below it that is not ignored, each watch added before
    /// its directory is listed. With `report`, every file found is noted. Returns the directories
    /// watched.
    @discardableResult
    private func crawl(from start: FilePathBytes, report: Bool) throws(WatchError) -> Set<FilePathBytes> {
        let root = root, configuredRules = configuration.ignoreRules
        var watched: Set<FilePathBytes> = []
        try walkTree(root: root, from: start, rules: &rules) { (directory) throws(WatchError) -> Bool in
            do throws(SystemError) {
                // The root may be a link to a directory (see directoryIdentity(of:)); nothing below it.
                let mask = directory.isEmpty ? Self.watchMask.subtracting(.dontFollow) : Self.watchMask
                let watch = try inotify.addWatch(directory.absolute(under: root), mask: mask)
                tree.insert(directory, watch: watch)
                watched.insert(directory)
                return true
            } catch where [Errno.noSuchFile, .notDirectory, .permissionDenied].contains(error.errno) {
                return false  // gone already, replaced by a file, or unreadable: nothing to watch
            } catch {
                throw WatchError.from(error, path: directory.absolute(under: root), limits: { .current() },
                                      watchesNeeded: { watchesNeeded(root: root, rules: configuredRules) })
            }
        } visitFile: { file in
            tree.insertFile(file)
            if report { note(file, isNew: true) }
        }
        return watched
    }

    /// Watches the root if it is a directory; false when it is missing.
    private func attachRoot() throws(WatchError) -> Bool {
        guard let identity = directoryIdentity(of: root) else { return false }
        rootIdentity = identity
        nextRootPoll = nil
        rules = configuration.ignoreRules
        try crawl(from: "", report: false)
        if !tree.contains("") { return false }
        return true
    }

    /// A file system was mounted or unmounted at, above or below the root (the mount table says
    /// so, or `IN_UNMOUNT` came): watches may be on inodes that are covered now, or on a file
    /// system that is gone. Drops them all, crawls again from the root and asks for a rescan, or
    /// detaches a root that is no longer a directory. A missing root is looked for at once.
    private func remount() throws(WatchError) {
        mounts.refresh()
        if nextRootPoll != nil {
            nextRootPoll = clock.now
            return
        }
        tree.allWatches.forEach(inotify.removeWatch)
        tree = DirectoryTree()
        pendingMoves.removeAll()
        pendingRuleDirectories.removeAll()
        if try attachRoot() {
            emit(WatchBatch(rescanReason: .mountChanged))
        } else {
            detachRoot()
        }
    }

    private func rootStillHere() -> Bool {
        guard let current = directoryIdentity(of: root), let rootIdentity else { return false }
        return current == rootIdentity
    }

    /// The root is gone: drop every watch and everything pending (no removals are reported for
    /// its contents), say so, and start polling for it.
    private func detachRoot() {
        tree.allWatches.forEach(inotify.removeWatch)
        tree = DirectoryTree()
        settle.removeAll()
        pendingMoves.removeAll()
        pendingRuleDirectories.removeAll()
        rootIdentity = nil
        nextRootPoll = clock.now.advanced(by: configuration.rootPollInterval)
        emit(WatchBatch(rootState: .missing))
    }

    // MARK: Output

    private func emit(_ batch: WatchBatch) { output.emit(batch) }
}

/// The device and inode of `root` if it is a directory. The root itself may be a symbolic link to
/// one (a configured path like /srv/docs → /data/docs); links below it are never followed.
func directoryIdentity(of root: FilePathBytes) -> (device: UInt64, inode: UInt64)? {
    guard let status = try? FileStatus.followingLinks(root), status.kind == .directory else { return nil }
    return (status.device, status.inode)
}
