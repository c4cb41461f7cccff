import LinuxSystem

/// Why a batch asks for a full rescan.
public enum RescanReason: String, Sendable, Hashable {
    case startup, overflow, rootReturned, mountChanged
}

/// What changed under the root since the previous batch. Paths are relative to the root, raw
/// bytes. Each path is a hint: the sync engine `lstat`s it and trusts the stat, not the event.
///
/// Guarantees: `changed` and `removed` are disjoint; only non-directory entries appear (regular
/// files, symbolic links, FIFOs …: the engine decides what is eligible); no ignored path appears.
public struct WatchBatch: Hashable, Sendable, CustomStringConvertible {
    public enum RootState: Hashable, Sendable {
        /// The root is a directory and is being watched.
        case present
        /// The root was deleted, moved away or unmounted (or was absent at start). Nothing under it
        /// is reported as removed; the watcher polls for it and, when it is back, sends a batch
        /// with `.present` and `rescan`.
        case missing
    }

    /// Files created or modified (and the new names of renamed files).
    public var changed: Set<FilePathBytes>
    /// Files deleted, moved out of the root, or renamed away.
    public var removed: Set<FilePathBytes>
    /// The root needs a full rescan: at start (the watches are in place, scan now), after the
    /// kernel's event queue overflowed, or after the root came back. Events may have been lost.
    public var rescan: Bool
    public var rootState: RootState
    /// Why `rescan` is set (nil when it is not).
    public var rescanReason: RescanReason?
    /// Directories (relative; empty for the root) whose `.aisearchignore` changed.
    public var rulesChanged: Set<FilePathBytes> = []

    public init(changed: Set<FilePathBytes> = [], removed: Set<FilePathBytes> = [], rescan: Bool = false,
                rootState: RootState = .present) {
        self.changed = changed
        self.removed = removed
        self.rescan = rescan
        self.rootState = rootState
    }

    var isEmpty: Bool { changed.isEmpty && removed.isEmpty && !rescan }

    /// Folds a later batch into this one: the later word on a path wins.
    mutating func merge(_ later: WatchBatch) {
        for path in later.changed {
            removed.remove(path)
            changed.insert(path)
        }
        for path in later.removed {
            changed.remove(path)
            removed.insert(path)
        }
        rescan = rescan || later.rescan
        rootState = later.rootState
    }

    public var description: String {
        let list = { (paths: Set<FilePathBytes>) in paths.sorted().prefix(10).map(\.description).joined(separator: ", ") }
        return "WatchBatch(changed: \(changed.count) [\(list(changed))], removed: \(removed.count) [\(list(removed))], rescan: \(rescan), root: \(rootState))"
    }
}
