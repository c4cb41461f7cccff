import LinuxSystem

/// Why a batch asks for a full rescan. The rescan itself is the same whatever the reason; the
/// reason is for the consumer's logs and metrics (an overflow means events were lost, a startup
/// scan is routine).
public enum RescanReason: String, Sendable, Hashable {
    /// The first batch of a watch: every watch is in place, so a scan now misses nothing later.
    case startup
    /// The kernel's event queue overflowed, or the consumer fell so far behind that the
    /// undelivered paths were dropped: events were lost.
    case overflow
    /// The root became a watched directory again after a `.missing` batch (including a root that
    /// was missing at start).
    case rootReturned
    /// A file system was mounted or unmounted at, above or below the root: the watches were on
    /// the inodes that were covered (or uncovered) and saw nothing of the change.
    case mountChanged

    /// How much a reason says about what may have been missed; a merged batch keeps the larger.
    var severity: Int {
        switch self {
        case .startup: 0
        case .rootReturned: 1
        case .mountChanged: 2
        case .overflow: 3
        }
    }
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
        /// The root was deleted or moved away, or an unmount left no directory at its path (or it
        /// was absent at start). Nothing under it is reported as removed; the watcher polls for it
        /// and, when it is back, sends a batch with `.present` and `rescanReason == .rootReturned`.
        case missing
    }

    /// Files created or modified (and the new names of renamed files).
    public var changed: Set<FilePathBytes>
    /// Files deleted, moved out of the root, or renamed away.
    public var removed: Set<FilePathBytes>
    /// Why the root needs a full rescan, or nil when it does not. Events may have been lost
    /// (except for `.startup`), so only a scan of the whole tree is sure to be right.
    public var rescanReason: RescanReason?
    /// Directories (relative to the root; empty for the root) whose `.aisearchignore` was
    /// written, removed or renamed. What is eligible below each may have changed, in either
    /// direction, so the consumer re-evaluates that subtree by scanning it: its files are not
    /// necessarily listed in `changed` or `removed` (files newly included may be). The watches
    /// already follow the new rules when the batch is sent. One directory may lie inside another.
    public var rulesChanged: Set<FilePathBytes>
    public var rootState: RootState

    /// The root needs a full rescan: `rescanReason != nil`. Setting it to true without a reason
    /// records `.overflow` (a rescan was always the answer to lost events); false clears the reason.
    public var rescan: Bool {
        get { rescanReason != nil }
        set {
            if !newValue {
                rescanReason = nil
            } else if rescanReason == nil {
                rescanReason = .overflow
            }
        }
    }

    public init(changed: Set<FilePathBytes> = [], removed: Set<FilePathBytes> = [], rescanReason: RescanReason? = nil,
                rulesChanged: Set<FilePathBytes> = [], rootState: RootState = .present) {
        self.changed = changed
        self.removed = removed
        self.rescanReason = rescanReason
        self.rulesChanged = rulesChanged
        self.rootState = rootState
    }

    /// The form from before rescans had reasons; `rescan: true` means `.overflow`.
    public init(changed: Set<FilePathBytes> = [], removed: Set<FilePathBytes> = [], rescan: Bool,
                rootState: RootState = .present) {
        self.init(changed: changed, removed: removed, rescanReason: rescan ? .overflow : nil, rootState: rootState)
    }

    var isEmpty: Bool { changed.isEmpty && removed.isEmpty && rescanReason == nil && rulesChanged.isEmpty }

    /// Folds a later batch into this one: the later word on a path wins; `rulesChanged` is the
    /// union; of two rescan reasons the more severe is kept (`overflow`, then `mountChanged`,
    /// `rootReturned`, `startup`), so a merge never hides that events were lost.
    mutating func merge(_ later: WatchBatch) {
        for path in later.changed {
            removed.remove(path)
            changed.insert(path)
        }
        for path in later.removed {
            changed.remove(path)
            removed.insert(path)
        }
        rescanReason = Self.moreSevere(rescanReason, later.rescanReason)
        rulesChanged.formUnion(later.rulesChanged)
        rootState = later.rootState
    }

    static func moreSevere(_ first: RescanReason?, _ second: RescanReason?) -> RescanReason? {
        guard let first else { return second }
        guard let second else { return first }
        return second.severity > first.severity ? second : first
    }

    public var description: String {
        let list = { (paths: Set<FilePathBytes>) in paths.sorted().prefix(10).map(\.description).joined(separator: ", ") }
        let reason = rescanReason.map(\.rawValue) ?? "none"
        return "WatchBatch(changed: \(changed.count) [\(list(changed))], removed: \(removed.count) [\(list(removed))], "
            + "rulesChanged: \(rulesChanged.count) [\(list(rulesChanged))], rescan: \(reason), root: \(rootState))"
    }
}
