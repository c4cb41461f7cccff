import AISearchAPI

/// A round's items, found by key without copying them: positions into the listing. The first
/// item listed under a key is the one found (the planner resolves duplicates itself).
public struct ItemsByKey: Sendable {
    public let items: [Item]
    private var positions: [ItemKey: Int] = [:]

    public init(_ items: [Item]) {
        self.items = items
        positions.reserveCapacity(items.count)
        for (position, item) in items.enumerated() where positions[ItemKey(item.key)] == nil {
            positions[ItemKey(item.key)] = position
        }
    }

    public subscript(key: ItemKey) -> Item? { positions[key].map { items[$0] } }
}
