import LinuxSystem

/// What one `lstat` said of a path, reduced to what tells "still changing" from "settled".
struct PathSample: Hashable, Sendable {
    /// nil: the path does not exist (or cannot be stat'ed, which the engine treats the same).
    var status: Stamp?

    struct Stamp: Hashable, Sendable {
        var kind: FileStatus.Kind
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modificationTimeNanoseconds: Int64
    }

    static let absent = PathSample(status: nil)

    init(status: Stamp?) { self.status = status }

    init(_ status: FileStatus?) {
        self.status = status.map {
            Stamp(kind: $0.kind, device: $0.device, inode: $0.inode, size: $0.size,
                  modificationTimeNanoseconds: $0.modificationTimeNanoseconds)
        }
    }
}

/// Holds paths back until they settle: a path is due once no event touched it for the settle
/// window (shorter after `IN_CLOSE_WRITE`), and it is released only when the stat taken then
/// agrees with the one taken at its last event; otherwise it waits another window. A path that
/// never stops changing is released anyway after `maximumDelay` from its first event.
///
/// The stat decides the outcome: present → changed, absent → removed, a directory → dropped
/// (directories are not reported; their files are). So "delete then re-create within the window"
/// (an editor's safe-save) comes out as one change, and "create then delete" of a path nobody had
/// heard of (a `sed -i` temporary) as nothing at all.
///
/// Pure apart from the `sample` function passed in; generic over the clock's instant so tests
/// drive it with made-up times.
struct SettleQueue<Instant: InstantProtocol> where Instant.Duration == Duration {
    struct Entry {
        var firstEvent: Instant
        var lastEvent: Instant
        var sample: PathSample
        var closeWritten: Bool
        /// The first event was the path's arrival (it was not known before): if it is gone again
        /// when due, nobody ever heard of it, so it is dropped rather than reported removed.
        var isNew: Bool
    }

    var settleWindow: Duration
    var closeWriteSettleWindow: Duration
    var maximumDelay: Duration
    private(set) var entries: [FilePathBytes: Entry] = [:]

    init(settleWindow: Duration, closeWriteSettleWindow: Duration, maximumDelay: Duration) {
        self.settleWindow = settleWindow
        self.closeWriteSettleWindow = min(closeWriteSettleWindow, settleWindow)
        self.maximumDelay = maximumDelay
    }

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    /// Records an event on `path` at `now`, with the path's state just after the event.
    mutating func note(_ path: FilePathBytes, at now: Instant, sample: PathSample, closeWrite: Bool = false, isNew: Bool = false) {
        if var entry = entries[path] {
            entry.lastEvent = now
            entry.sample = sample
            entry.closeWritten = closeWrite
            entries[path] = entry
        } else {
            entries[path] = Entry(firstEvent: now, lastEvent: now, sample: sample, closeWritten: closeWrite, isNew: isNew)
        }
    }

    mutating func removeAll() { entries.removeAll() }

    /// Forgets the held paths for which `shouldRemove` is true; they are never reported.
    mutating func removeAll(where shouldRemove: (FilePathBytes) -> Bool) {
        for path in entries.keys where shouldRemove(path) { entries[path] = nil }
    }

    private func deadline(of entry: Entry) -> Instant {
        let quiet = entry.lastEvent.advanced(by: entry.closeWritten ? closeWriteSettleWindow : settleWindow)
        return min(quiet, entry.firstEvent.advanced(by: maximumDelay))
    }

    /// The earliest time a path may become due, or nil when nothing is held.
    var nextDeadline: Instant? {
        entries.values.lazy.map(deadline(of:)).min()
    }

    /// Releases the paths that are due at `now` and whose fresh `sample` agrees with the last one.
    mutating func takeDue(at now: Instant, sample: (FilePathBytes) -> PathSample)
        -> (changed: Set<FilePathBytes>, removed: Set<FilePathBytes>) {
        var changed: Set<FilePathBytes> = []
        var removed: Set<FilePathBytes> = []
        for (path, entry) in entries where deadline(of: entry) <= now {
            let fresh = sample(path)
            let overdue = entry.firstEvent.advanced(by: maximumDelay) <= now
            guard fresh == entry.sample || overdue else {
                // Changed without an event we saw (or mid-write): wait a full window again.
                entries[path] = Entry(firstEvent: entry.firstEvent, lastEvent: now, sample: fresh, closeWritten: false, isNew: entry.isNew)
                continue
            }
            entries[path] = nil
            switch fresh.status?.kind {
            case nil: if !entry.isNew { removed.insert(path) }
            case .directory?: break
            case _?: changed.insert(path)
            }
        }
        return (changed, removed)
    }
}
