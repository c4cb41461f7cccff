/// The state's rows: one `StateEntry` per key, packed in an array, found through a key → row
/// number table. Reads like the `[ItemKey: StateEntry]` it replaces (subscript by key, iteration
/// as `(key, value)` pairs, `keys`, `values`, `filter`).
///
/// Why not the dictionary: a `Dictionary` keeps each value in its hash buckets, which are at most
/// three quarters full and come in powers of two. At 100,000 keys that is 262,144 buckets of a
/// ~200-byte entry, 50 MB, most of the agent's heap. Here the buckets hold a key and a 4-byte row
/// number, and the rows are packed: about 25 MB for the same table.
///
/// Iteration follows the rows: insertion order, except that removing a row moves the last row
/// into its place. No caller may depend on the order (the dictionary had none).
public struct StateTable: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: ItemKey, value: StateEntry)

    private var rows: [Element] = []
    private var rowByKey: [ItemKey: UInt32] = [:]

    public init() {}

    public init(dictionaryLiteral elements: (ItemKey, StateEntry)...) {
        for (key, value) in elements { self[key] = value }
    }

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }
    public var keys: LazyMapSequence<[Element], ItemKey> { rows.lazy.map(\.key) }
    public var values: LazyMapSequence<[Element], StateEntry> { rows.lazy.map(\.value) }

    /// The row number of `key`: stable while no row is removed (a removal moves the last row).
    public func rowNumber(of key: ItemKey) -> Int? { rowByKey[key].map(Int.init) }

    /// The row at `rowNumber` (a number from `rowNumber(of:)` or from enumerating the table).
    public subscript(row rowNumber: Int) -> Element { rows[rowNumber] }

    public mutating func reserveCapacity(_ capacity: Int) {
        rows.reserveCapacity(capacity)
        rowByKey.reserveCapacity(capacity)
    }

    public subscript(key: ItemKey) -> StateEntry? {
        get { rowByKey[key].map { rows[Int($0)].value } }
        set {
            if let row = rowByKey[key] {
                if let newValue { rows[Int(row)].value = newValue } else { remove(row: Int(row), key: key) }
            } else if let newValue {
                rowByKey[key] = UInt32(rows.count)
                rows.append((key, newValue))
            }
        }
    }

    private mutating func remove(row: Int, key: ItemKey) {
        rowByKey[key] = nil
        let last = rows.count - 1
        if row != last {
            rows[row] = rows[last]
            rowByKey[rows[row].key] = UInt32(row)
        }
        rows.removeLast()
    }

    public mutating func removeAll() {
        rows.removeAll()
        rowByKey.removeAll()
    }

    public func makeIterator() -> IndexingIterator<[Element]> { rows.makeIterator() }

    /// The rows that satisfy `isIncluded`, as a table.
    public func filter(_ isIncluded: (Element) throws -> Bool) rethrows -> StateTable {
        var result = StateTable()
        for row in rows where try isIncluded(row) { result[row.key] = row.value }
        return result
    }
}

extension StateTable: Hashable {
    /// Equal when they hold the same entries under the same keys, in any order.
    public static func == (lhs: StateTable, rhs: StateTable) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.rows.allSatisfy { rhs[$0.key] == $0.value }
    }

    /// Order-independent: the count and an XOR of each row's own hash.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        var combined = 0
        for row in rows {
            var rowHasher = Hasher()
            rowHasher.combine(row.key)
            rowHasher.combine(row.value)
            combined ^= rowHasher.finalize()
        }
        hasher.combine(combined)
    }
}
