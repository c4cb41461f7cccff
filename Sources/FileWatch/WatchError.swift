import LinuxSystem

/// Why the watcher stopped. The limit cases carry everything the message needs so a person can
/// fix the machine without reading code.
public enum WatchError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `inotify_add_watch` failed with `ENOSPC`: `fs.inotify.max_user_watches` is used up.
    case watchLimitReached(path: FilePathBytes, limits: InotifyLimits, watchesNeeded: Int)
    /// `inotify_init1` failed with `EMFILE`: `fs.inotify.max_user_instances` (or the process's
    /// open-file limit) is used up.
    case instanceLimitReached(limits: InotifyLimits)
    /// Any other failed system call.
    case system(SystemError)

    /// Turns a failed inotify call into a `WatchError`, reading the limits and counting the
    /// tree only when the error is about a limit (that is the one case the figures are needed).
    public static func from(_ error: SystemError, path: FilePathBytes,
                            limits: () -> InotifyLimits, watchesNeeded: () -> Int) -> WatchError {
        switch (error.operation, error.errno) {
        case ("inotify_add_watch", .noSpace):
            .watchLimitReached(path: path, limits: limits(), watchesNeeded: watchesNeeded())
        case ("inotify_init1", .tooManyOpenFiles):
            .instanceLimitReached(limits: limits())
        default:
            .system(error)
        }
    }

    public var description: String {
        switch self {
        case .watchLimitReached(let path, let limits, let needed):
            let current = limits.maxUserWatches.map(String.init) ?? "unknown (cannot read /proc/sys/fs/inotify/max_user_watches)"
            let suggested = Self.suggestion(current: limits.maxUserWatches, needed: needed)
            return """
            Cannot watch \(path): the kernel's inotify watch limit is used up (ENOSPC from inotify_add_watch). \
            fs.inotify.max_user_watches is \(current); this folder needs \(needed) watches (one per directory), \
            and other programs of the same user (editors, IDEs, other watchers) use some too. \
            Fix: sudo sysctl fs.inotify.max_user_watches=\(suggested) (to keep it after a reboot, put \
            "fs.inotify.max_user_watches=\(suggested)" in /etc/sysctl.d/90-inotify.conf), or ignore large \
            directories in .aisearchignore. In a container the limit is the host's: run the sysctl on the host.
            """
        case .instanceLimitReached(let limits):
            let current = limits.maxUserInstances.map(String.init) ?? "unknown (cannot read /proc/sys/fs/inotify/max_user_instances)"
            let suggested = max((limits.maxUserInstances ?? 128) * 2, 256)
            return """
            Cannot start watching: no inotify instance is available (EMFILE from inotify_init1). \
            fs.inotify.max_user_instances is \(current) per user, and this process needs one more (or it hit its own \
            open-file limit, `ulimit -n`). Fix: sudo sysctl fs.inotify.max_user_instances=\(suggested) (persist it in \
            /etc/sysctl.d/90-inotify.conf), or stop other watchers of the same user. In a container the limit is \
            the host's: run the sysctl on the host.
            """
        case .system(let error):
            return "File watching failed: \(error)"
        }
    }

    /// Room for the tree twice over (it grows, and others watch too), at least double today's value.
    static func suggestion(current: Int?, needed: Int) -> Int {
        let floor = max(needed * 2, (current ?? 8192) * 2)
        var value = 65536
        while value < floor { value *= 2 }
        return value
    }
}
