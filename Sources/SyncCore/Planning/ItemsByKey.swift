import AISearchAPI

/// A round's items found by key without copying them: positions into the listing (the first item
/// listed under a key is the one found; the planner resolves duplicates itself), or, when the
/// state stands for the instance, the record of the key in that state.
public struct ItemsByKey: Sendable {
    private let listing: RemoteListing
    private let state: SyncState
    private var positions: [ItemKey: Int] = [:]

    /// `state` is read only when `listing` is `.recorded`.
    public init(_ listing: RemoteListing, state: SyncState) {
        self.listing = listing
        self.state = state
        guard listing.recorded == nil else { return }
        positions.reserveCapacity(listing.items.count)
        for position in listing.items.indices {
            // The first item listed under a key stays; by index, so no item is copied out.
            let key = ItemKey(listing.items[position].key)
            if positions.index(forKey: key) == nil { positions[key] = position }
        }
    }

    /// Whether the state's records stand for the instance (no listing).
    public var isRecorded: Bool { listing.recorded != nil }

    /// `body` of the item of `key`, or nil if there is none: read in place, where the subscript
    /// copies the item out (a retain of each of its strings), for the walk's check of every file.
    public func withItem<Answer>(_ key: ItemKey, _ body: (Item) -> Answer) -> Answer? {
        if listing.recorded != nil { return self[key].map(body) }
        guard let position = positions[key] else { return nil }
        return body(listing.items[position])
    }

    public subscript(key: ItemKey) -> Item? {
        if let recorded = listing.recorded { return state.entries[key].flatMap { recorded.item(key, $0) } }
        return positions[key].map { listing.items[$0] }
    }
}
