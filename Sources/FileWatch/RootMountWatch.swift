import LinuxSystem

/// Notices a file system being mounted or unmounted at the watched root, on one of its
/// ancestors, or on a directory below it, which inotify cannot see: its watches stay on the
/// inodes that were covered (or, after an unmount, on a file system that is gone), so the tree
/// would go silent. Compares the mount table before and after each change the kernel reports and
/// ignores mounts elsewhere.
///
/// Best effort: without /proc (the table cannot be opened) nothing is noticed this way and the
/// watcher relies on `IN_UNMOUNT` alone. Confined to the watcher's thread.
struct RootMountWatch {
    private let monitor: MountTableMonitor?
    private let root: FilePathBytes
    /// The root as the mount table spells it: links resolved, as of the last `refresh()`.
    private var resolvedRoot: FilePathBytes
    private var table: [MountInfoEntry]

    init(root: FilePathBytes) {
        self.root = root
        monitor = try? MountTableMonitor()
        resolvedRoot = root.resolvingSymbolicLinks() ?? root
        table = (try? monitor?.entries()) ?? []
    }

    /// What to poll alongside the inotify descriptor; nil when the table cannot be watched.
    var pollRequest: PollRequest? { monitor?.pollRequest }

    /// Call when `pollRequest` came back with events: whether the table changed in a way that
    /// touches the root. The table read now becomes the one the next change is compared with.
    mutating func changeTouchesRoot(_ returnedEvents: PollEvents) -> Bool {
        guard MountTableMonitor.reportsChange(returnedEvents), let monitor,
              let current = try? monitor.entries() else { return false }
        let changes = MountInfo.differences(between: table, and: current)
        table = current
        return changes.contains { touchesRoot($0.mountPoint) }
    }

    /// Takes the table and the root's real path as they are now (after the watcher re-crawled for
    /// another reason, such as `IN_UNMOUNT`), so that change is not reported a second time.
    mutating func refresh() {
        if let resolved = root.resolvingSymbolicLinks() { resolvedRoot = resolved }
        if let monitor, let current = try? monitor.entries() { table = current }
    }

    /// A mount point at or below the root, or one of its ancestors (which covers it).
    private func touchesRoot(_ mountPoint: FilePathBytes) -> Bool {
        mountPoint.isWithin(resolvedRoot) || resolvedRoot.isWithin(mountPoint)
    }
}
