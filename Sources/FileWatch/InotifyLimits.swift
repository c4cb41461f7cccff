#if canImport(Glibc)
import Glibc
#endif
import LinuxSystem

/// The kernel's per-user inotify limits, as `/proc/sys/fs/inotify` shows them (nil where the file
/// cannot be read). In a container these are the host's values: the files are not namespaced.
public struct InotifyLimits: Hashable, Sendable {
    /// `fs.inotify.max_user_watches`: watches per user, across all processes. One per directory.
    public var maxUserWatches: Int?
    /// `fs.inotify.max_user_instances`: inotify descriptors per user. One per running watcher.
    public var maxUserInstances: Int?
    /// `fs.inotify.max_queued_events`: events the kernel queues per instance before `IN_Q_OVERFLOW`.
    public var maxQueuedEvents: Int?

    public init(maxUserWatches: Int?, maxUserInstances: Int?, maxQueuedEvents: Int?) {
        self.maxUserWatches = maxUserWatches
        self.maxUserInstances = maxUserInstances
        self.maxQueuedEvents = maxQueuedEvents
    }

    /// Reads the current values from `directory` (normally `/proc/sys/fs/inotify`).
    public static func current(directory: FilePathBytes = "/proc/sys/fs/inotify") -> InotifyLimits {
        func value(_ name: FilePathBytes) -> Int? {
            guard let bytes = try? readWholeFile(directory.appending(name)) else { return nil }
            return Int(String(decoding: bytes, as: UTF8.self).trimmingWhitespace)
        }
        return InotifyLimits(maxUserWatches: value("max_user_watches"),
                             maxUserInstances: value("max_user_instances"),
                             maxQueuedEvents: value("max_queued_events"))
    }
}

/// How many inotify watches watching `root` takes: one per directory that the ignore rules
/// (including rule files found on the way) do not exclude, the root included. Symbolic links are
/// not followed. For startup diagnostics; an unreadable directory counts but is not entered.
public func watchesNeeded(root: FilePathBytes, rules: IgnoreRules = IgnoreRules()) -> Int {
    var rules = rules
    var count = 0
    walkTree(root: root, from: "", rules: &rules) { _ in
        count += 1
        return true
    } visitFile: { _ in }
    return count
}

/// Walks the directories below `root` + `start` (relative paths), top down, skipping ignored
/// entries and loading each directory's rule file before judging its entries. `enterDirectory`
/// runs before a directory is listed (the watcher adds its watch there, so nothing created
/// between the watch and the listing is missed) and returns false to skip it. A directory that
/// cannot be listed is skipped and passed to `listingFailed` (the polling scan keeps what it knew
/// of it rather than reporting its files removed).
func walkTree<E: Error>(root: FilePathBytes, from start: FilePathBytes, rules: inout IgnoreRules,
                        enterDirectory: (FilePathBytes) throws(E) -> Bool,
                        visitFile: (FilePathBytes) -> Void,
                        listingFailed: (FilePathBytes, SystemError) -> Void = { _, _ in }) throws(E) {
    var stack = [start]
    while let directory = stack.popLast() {
        guard try enterDirectory(directory) else { continue }
        let entries: [DirectoryEntry]
        do {
            entries = try directoryEntries(of: directory.absolute(under: root))
        } catch {
            listingFailed(directory, error)
            continue
        }
        if entries.contains(where: { rules.isRuleFile($0.name) }) {
            rules.loadRuleFile(root: root, directory: directory)
        } else if rules.ruleFileDirectories.contains(directory) {
            rules.removeRuleFile(in: directory)
        }
        for entry in entries {
            let path = directory.appending(inTree: entry.name)
            var kind = entry.kind
            if kind == .unknown {
                guard let status = try? FileStatus.of(path.absolute(under: root)) else { continue }
                kind = status.kind == .directory ? .directory : .other
            }
            let isDirectory = kind == .directory
            if rules.matchEntry(path, isDirectory: isDirectory)?.isIgnored == true { continue }
            if isDirectory { stack.append(path) } else { visitFile(path) }
        }
    }
}

extension String {
    var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
