import LinuxSystem

/// What one polling scan found: every non-directory path under the root that the ignore rules
/// keep, with its `lstat`, and the rules as the scan read them (rule files included).
struct ScanSnapshot: Equatable {
    var files: [FilePathBytes: FileStatus] = [:]
    var rules: IgnoreRules
    /// Directories that could not be listed and files that could not be stat'ed for a reason
    /// other than "gone" (EACCES, EIO, an NFS hiccup): their state is unknown, not removed.
    var unreadableDirectories: [FilePathBytes] = []
    var unreadableFiles: [FilePathBytes] = []

    /// Fills what this scan could not read from `previous`, so a transient error does not turn
    /// into a burst of removals followed by a burst of changes.
    mutating func carryOverUnreadable(from previous: ScanSnapshot) {
        for path in unreadableFiles { files[path] = previous.files[path] }
        guard !unreadableDirectories.isEmpty else { return }
        for (path, status) in previous.files where files[path] == nil
            && unreadableDirectories.contains(where: { path.isWithin(inTree: $0) }) {
            files[path] = status
        }
    }
}

/// Turns consecutive scans into reports, with a cheap form of settling: a path that changed since
/// the previous scan is reported at once, unless it also changed in the interval before; such a
/// busy path (still being written) is held until a scan finds it unchanged, and reported then,
/// or after `maximumDelay` if it never stops. Removals are reported at once.
///
/// Pure; generic over the clock's instant so tests drive it with made-up times.
struct PollingDiff<Instant: InstantProtocol> where Instant.Duration == Duration {
    let maximumDelay: Duration
    /// nil until the first scan, which is the baseline and reports nothing.
    private(set) var previous: ScanSnapshot?
    /// Paths whose status changed in the latest interval.
    private var changedLastScan: Set<FilePathBytes> = []
    /// Busy paths and since when they are held.
    private(set) var held: [FilePathBytes: Instant] = [:]

    init(maximumDelay: Duration) { self.maximumDelay = maximumDelay }

    /// Forgets everything: the next scan is a new baseline (after the root came back).
    mutating func reset() {
        previous = nil
        changedLastScan = []
        held = [:]
    }

    /// Takes the scan made at `now`; returns what to report. `rulesChanged` holds the directories
    /// whose rule file reads differently from the previous scan, except those now ignored: what
    /// is eligible below them changed, which the consumer re-evaluates by scanning them, so no
    /// path below them is reported (files newly ignored would otherwise look removed) and none is
    /// held.
    mutating func take(_ scan: ScanSnapshot, at now: Instant)
        -> (changed: Set<FilePathBytes>, removed: Set<FilePathBytes>, rulesChanged: Set<FilePathBytes>) {
        var scan = scan
        guard let previous else {
            self.previous = scan
            return ([], [], [])
        }
        scan.carryOverUnreadable(from: previous)
        defer { self.previous = scan }
        let rulesChanged = scan.rules.ruleFileDirectories(differingFrom: previous.rules)
            .filter { $0.isEmpty || !scan.rules.isIgnored($0, isDirectory: true) }
        let governing = rulesChanged.outermostInTree
        let isGoverned = { (path: FilePathBytes) in governing.contains { path.isWithin(inTree: $0) } }
        for path in Array(held.keys) where isGoverned(path) { held[path] = nil }
        var changed: Set<FilePathBytes> = []
        var removed: Set<FilePathBytes> = []
        var changedNow: Set<FilePathBytes> = []
        for (path, status) in scan.files where previous.files[path] != status && !isGoverned(path) {
            changedNow.insert(path)
            if let since = held[path] {
                if since.advanced(by: maximumDelay) <= now {
                    changed.insert(path)
                    held[path] = now
                }
            } else if changedLastScan.contains(path) {
                held[path] = now
            } else {
                changed.insert(path)
            }
        }
        for path in Array(held.keys) where !changedNow.contains(path) {
            held[path] = nil
            if scan.files[path] != nil { changed.insert(path) }  // quiet for a whole interval
        }
        for path in previous.files.keys where scan.files[path] == nil && !isGoverned(path) {
            removed.insert(path)
        }
        changedLastScan = changedNow
        return (changed, removed, rulesChanged)
    }
}

extension FilePathBytes {
    /// `isWithin` for root-relative paths, where "" is the root and contains everything.
    func isWithin(inTree directory: FilePathBytes) -> Bool {
        directory.isEmpty || isWithin(directory)
    }
}

extension Set<FilePathBytes> {
    /// The root-relative directories that lie inside no other of the set (the subtrees they head
    /// cover the rest).
    var outermostInTree: Set<FilePathBytes> {
        filter { directory in !contains { $0 != directory && directory.isWithin(inTree: $0) } }
    }
}
