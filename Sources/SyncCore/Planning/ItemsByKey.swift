import AISearchAPI

/// A round's items found by key without copying them: positions into the listing (the first item
/// listed under a key is the one found; the planner resolves duplicates itself), or, when the
/// state stands for the instance or a folded item for its key, the record of the key in that state.
///
/// The positions are found by the key's bytes through a table of 4-byte slots (`RowSlots`), not a
/// `[ItemKey: Int]`: at 100,000 items that dictionary's inserts, and a copy of each item (a retain
/// of every one of its strings) for each file the walk checked, were a seventh of a full
/// comparison's CPU.
public struct ItemsByKey: Sendable {
    private let listing: RemoteListing
    private let state: SyncState
    private var firstByKey = RowSlots()
    /// By position: the first item listed under its key.
    private var isFirstOfKey: [Bool] = []

    /// `state` is read only when `listing` is `.recorded` or has folded items (`FoldedItems`): the
    /// table the round scans.
    public init(_ listing: RemoteListing, state: SyncState) {
        self.listing = listing
        self.state = state
        guard listing.recorded == nil else { return }
        listing.items.withUnsafeBufferPointer { items in
            let hashOfPosition = { (position: Int) in ItemsByKey.hash(items[position].key) }
            firstByKey.reserveCapacity(items.count, hashOfRow: hashOfPosition)
            isFirstOfKey = [Bool](repeating: false, count: items.count)
            for position in items.indices {
                // The first item listed under a key stays.
                let hash = Self.hash(items[position].key)
                if firstByKey.first(hash: hash, where: { ItemKey(items[$0].key) == ItemKey(items[position].key) }) == nil {
                    firstByKey.insert(row: position, hash: hash, hashOfRow: hashOfPosition)
                    isFirstOfKey[position] = true
                }
            }
        }
    }

    /// Whether the state's records stand for the instance (no listing).
    public var isRecorded: Bool { listing.recorded != nil }

    public subscript(key: ItemKey) -> Item? {
        if let recorded = listing.recorded { return state.entries[key].flatMap { recorded.item(key, $0) } }
        if let position = firstPosition(of: key.rawValue) { return listing.items[position] }
        // A folded item is its row's record (a folded key has no other listed item).
        guard let folded = listing.folded, let row = state.entries.rowNumber(of: key), folded.rows.contains(row) else { return nil }
        return folded.item(atRow: row, in: state)
    }

    /// The state rows of `state` whose key's first listed item is the very item the row records,
    /// unchanged and ours under `rules` (see `TreeScanner.settledRow` for the rest of what lets
    /// the walk settle a file): found in one pass over the listing, so the walk asks a bit per
    /// file instead of looking up and copying an item. Empty when the state stands for the instance.
    func rowsListedAsRecorded(in state: SyncState, rules: TreeScanner.Settling) -> SettledRows {
        // Folded rows are such rows by definition (`ListingFold`, under the same rules).
        var rows = listing.folded?.rows ?? SettledRows()
        guard listing.recorded == nil else { return rows }
        listing.items.withUnsafeBufferPointer { items in
            for position in items.indices where isFirstOfKey[position] {
                guard let row = state.entries.rowNumber(of: ItemKey(items[position].key)), let record = state.entries.remote(atRow: row),
                      Self.isListedAsRecorded(items[position], record: record, rules: rules) else { continue }
                rows.insert(row)
            }
        }
        return rows
    }

    /// The item is what `record` says, ours, and nothing else needs doing for it: a candidate
    /// (our source, under the prefix, not being deleted), the recorded id and status, no content
    /// digest of its own, no other agent's marker, and the recorded checksum.
    static func isListedAsRecorded(_ item: borrowing Item, record: RemoteRecord, rules: TreeScanner.Settling) -> Bool {
        guard item.isCandidate(itemSource: rules.itemSource, keyPrefix: rules.keyPrefix),
              record.hasItemID(item.id), item.status == record.status,
              item.declaredSHA256Text == nil else { return false }
        if let marker = item.ownerMarker, marker != rules.owner { return false }
        let checksum = normalizedChecksum(item.checksum)
        return !checksum.isEmpty && record.hasNormalizedChecksum(checksum)
    }

    private func firstPosition(of key: String) -> Int? {
        listing.items.withUnsafeBufferPointer { items in
            firstByKey.first(hash: Self.hash(key)) { ItemKey(items[$0].key) == ItemKey(key) }
        }
    }

    private static func hash(_ key: String) -> Int { ItemKey(key).hashValue }
}

