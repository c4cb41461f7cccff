import LinuxSystem

/// What the store keeps beside the table so that a watch batch finds its rows by path, and the
/// gauges are read, without scanning every entry: a path → key index and running counts.
/// Derived data: rebuilt on load and replace, updated per changed key.
struct StateIndex: Sendable {
    private(set) var keyByPath: [FilePathBytes: ItemKey] = [:]
    /// Entries whose local content is recorded (identity and SHA-256).
    private(set) var filesTracked = 0
    /// Entries with a remote item.
    private(set) var itemsOwned = 0

    init() {}

    init(_ state: SyncState) {
        keyByPath.reserveCapacity(state.entries.count)
        for (key, entry) in state.entries { update(key, from: nil, to: entry) }
    }

    mutating func update(_ key: ItemKey, from old: StateEntry?, to new: StateEntry?) {
        if let old {
            if keyByPath[old.path] == key { keyByPath[old.path] = nil }
            if Self.isTracked(old) { filesTracked -= 1 }
            if old.remote != nil { itemsOwned -= 1 }
        }
        if let new {
            keyByPath[new.path] = key
            if Self.isTracked(new) { filesTracked += 1 }
            if new.remote != nil { itemsOwned += 1 }
        }
    }

    /// The keys recorded at `paths` or at one of their ancestors (a recorded file replaced by a
    /// directory of its name, whose children are what the watcher reports).
    func keys(atOrAbove paths: some Sequence<FilePathBytes>) -> Set<ItemKey> {
        var keys = Set<ItemKey>()
        for path in paths {
            if let key = keyByPath[path] { keys.insert(key) }
            for (index, byte) in path.bytes.enumerated() where byte == UInt8(ascii: "/") && index > 0 {
                if let key = keyByPath[FilePathBytes(Array(path.bytes[..<index]))] { keys.insert(key) }
            }
        }
        return keys
    }

    private static func isTracked(_ entry: StateEntry) -> Bool { entry.sha256 != nil && entry.identity != nil }
}
