import LinuxSystem

/// What the store keeps beside the table so that the gauges are read without scanning every
/// entry: running counts. Derived data: rebuilt on load and replace, updated per changed key.
/// (Rows are found by path through the table itself, `StateTable.keys(atPath:)`.)
struct StateIndex: Sendable {
    /// Entries whose local content is recorded (identity and SHA-256).
    private(set) var filesTracked = 0
    /// Entries with a remote item.
    private(set) var itemsOwned = 0

    init() {}

    init(_ state: SyncState) {
        (filesTracked, itemsOwned) = state.entries.trackedAndOwnedCounts
    }

    mutating func update(_ key: ItemKey, from old: StateEntry?, to new: StateEntry?) {
        if let old {
            if Self.isTracked(old) { filesTracked -= 1 }
            if old.remote != nil { itemsOwned -= 1 }
        }
        if let new {
            if Self.isTracked(new) { filesTracked += 1 }
            if new.remote != nil { itemsOwned += 1 }
        }
    }

    private static func isTracked(_ entry: StateEntry) -> Bool { entry.sha256 != nil && entry.identity != nil }
}
