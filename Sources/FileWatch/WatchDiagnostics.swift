import LinuxSystem

/// What an operator should know before the watch starts: the file system the folder is on, the
/// change detection that works there, and whether the inotify watch limit is large enough.
///
/// `warnings` holds one line per problem, each naming the thing and what to do; `summary` holds
/// the facts as key/value pairs for one structured log line. `detection` is what to put into
/// `FileWatcher.Configuration.detection`: polling on file systems where inotify is blind and
/// when the tree needs more watches than the kernel allows.
public struct WatchDiagnostics: Sendable {
    public var root: FilePathBytes
    /// nil when `statfs` failed (see `filesystemError`), e.g. the root does not exist yet.
    public var filesystem: FilesystemInfo?
    public var filesystemError: SystemError?
    public var limits: InotifyLimits
    /// One watch per directory that the ignore rules keep, the root included.
    public var watchesNeeded: Int
    public var detection: ChangeDetection
    /// Why `detection` is not plain inotify, or what inotify misses there; nil when nothing.
    public var reason: String?
    public var warnings: [String]
    public var summary: [String: String]

    /// Looks at the machine: `statfs` and the mount table for `root`, /proc/sys/fs/inotify, and a
    /// walk of the tree to count its directories (which takes a while on a large network tree).
    public init(root: FilePathBytes, rules: IgnoreRules = IgnoreRules(),
                pollingInterval: Duration = ChangeDetection.defaultPollingInterval) {
        let filesystem: Result<FilesystemInfo, SystemError> = Result { () throws(SystemError) in
            try FilesystemInfo.of(root)
        }
        self.init(root: root, filesystem: filesystem, limits: .current(),
                  watchesNeeded: FileWatch.watchesNeeded(root: root, rules: rules), pollingInterval: pollingInterval)
    }

    /// From facts already gathered; pure, so every combination can be tested.
    public init(root: FilePathBytes, filesystem: Result<FilesystemInfo, SystemError>, limits: InotifyLimits,
                watchesNeeded: Int, pollingInterval: Duration = ChangeDetection.defaultPollingInterval) {
        self.root = root
        self.limits = limits
        self.watchesNeeded = watchesNeeded
        var warnings: [String] = []
        var detection = ChangeDetection.inotify
        var reason: String?
        switch filesystem {
        case .success(let info):
            self.filesystem = info
            (detection, reason) = ChangeDetection.recommended(for: info, interval: pollingInterval)
            if let reason { warnings.append(reason) }
        case .failure(let error):
            self.filesystem = nil
            filesystemError = error
            warnings.append("cannot tell which file system \(root) is on (\(error)); assuming inotify sees every change there")
        }
        if detection == .inotify, let maximum = limits.maxUserWatches {
            let raise = "sudo sysctl fs.inotify.max_user_watches=\(WatchError.suggestion(current: maximum, needed: watchesNeeded))"
            if watchesNeeded > maximum {
                detection = .polling(interval: pollingInterval)
                reason = "the folder has \(watchesNeeded) directories but inotify allows \(maximum) watches per user; scanning every \(ChangeDetection.format(pollingInterval)) instead"
                warnings.append("inotify allows \(maximum) watches per user (fs.inotify.max_user_watches) but the folder has \(watchesNeeded) directories; raise it: \(raise) (on the host, for a container), or ignore large directories in \(IgnoreRules.fileName); until then the agent falls back to periodic scans")
            } else if watchesNeeded * 4 > maximum * 3 {
                warnings.append("the folder needs \(watchesNeeded) of the \(maximum) inotify watches allowed per user (fs.inotify.max_user_watches), which editors and other watchers share; raise it before it runs out: \(raise)")
            }
        }
        self.detection = detection
        self.reason = reason
        self.warnings = warnings

        var summary = [
            "detection": detection == .inotify ? "inotify" : "polling",
            "watches_needed": String(watchesNeeded),
            "max_user_watches": limits.maxUserWatches.map(String.init) ?? "unknown",
            "fs_type": self.filesystem?.typeName ?? "unknown",
        ]
        if let magic = self.filesystem?.magic { summary["fs_magic"] = "0x" + String(magic, radix: 16) }
        if case .polling(let interval) = detection { summary["poll_interval"] = ChangeDetection.format(interval) }
        self.summary = summary
    }
}
