import LinuxSystem

/// The state's rows: one `StateEntry` per key, packed in an array, found by key, and by path,
/// through tables of row numbers. Reads like the `[ItemKey: StateEntry]` it replaces (subscript
/// by key, iteration as `(key, value)` pairs, `keys`, `values`, `filter`).
///
/// Why not the dictionary: a `Dictionary` keeps each value in its hash buckets, which are at most
/// three quarters full and come in powers of two. At 100,000 keys that is 262,144 buckets of a
/// ~200-byte entry, 50 MB, most of the agent's heap. Here the rows are packed, and each lookup
/// table is an array of 4-byte row numbers (`RowSlots`): 1 MB each at 100,000 rows, where a
/// `[ItemKey: UInt32]` took 5.3 MB and the store's `[FilePathBytes: ItemKey]` path index 6.3 MB.
///
/// Iteration follows the rows: insertion order, except that removing a row moves the last row
/// into its place. No caller may depend on the order (the dictionary had none).
public struct StateTable: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: ItemKey, value: StateEntry)

    private var rows: [Element] = []
    /// Rows by key: one per key.
    private var byKey = RowSlots()
    /// Rows by path: several rows may record one path (a file that changed keys).
    private var byPath = RowSlots()

    public init() {}

    public init(dictionaryLiteral elements: (ItemKey, StateEntry)...) {
        for (key, value) in elements { self[key] = value }
    }

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }
    public var keys: LazyMapSequence<[Element], ItemKey> { rows.lazy.map(\.key) }
    public var values: LazyMapSequence<[Element], StateEntry> { rows.lazy.map(\.value) }

    /// The row number of `key`: stable while no row is removed (a removal moves the last row).
    public func rowNumber(of key: ItemKey) -> Int? {
        byKey.first(hash: key.hashValue) { rows[$0].key == key }
    }

    /// The keys whose entries record `path`.
    public func keys(atPath path: FilePathBytes) -> [ItemKey] {
        var keys: [ItemKey] = []
        byPath.forEach(hash: path.hashValue) { row in
            if rows[row].value.path == path { keys.append(rows[row].key) }
        }
        return keys
    }

    /// The row at `rowNumber` (a number from `rowNumber(of:)` or from enumerating the table).
    public subscript(row rowNumber: Int) -> Element { rows[rowNumber] }

    public mutating func reserveCapacity(_ capacity: Int) {
        rows.reserveCapacity(capacity)
        byKey.reserveCapacity(capacity) { rows[$0].key.hashValue }
        byPath.reserveCapacity(capacity) { rows[$0].value.path.hashValue }
    }

    public subscript(key: ItemKey) -> StateEntry? {
        get { rowNumber(of: key).map { rows[$0].value } }
        set {
            if let row = rowNumber(of: key) {
                guard let newValue else { return remove(row: row) }
                let oldPath = rows[row].value.path
                if oldPath != newValue.path { byPath.remove(row: row, hash: oldPath.hashValue) { rows[$0].value.path.hashValue } }
                rows[row].value = newValue
                if oldPath != newValue.path { byPath.insert(row: row, hash: newValue.path.hashValue) { rows[$0].value.path.hashValue } }
            } else if let newValue {
                let row = rows.count
                rows.append((key, newValue))
                byKey.insert(row: row, hash: key.hashValue) { rows[$0].key.hashValue }
                byPath.insert(row: row, hash: newValue.path.hashValue) { rows[$0].value.path.hashValue }
            }
        }
    }

    private mutating func remove(row: Int) {
        byKey.remove(row: row, hash: rows[row].key.hashValue) { rows[$0].key.hashValue }
        byPath.remove(row: row, hash: rows[row].value.path.hashValue) { rows[$0].value.path.hashValue }
        let last = rows.count - 1
        if row != last {
            byKey.renumber(last, to: row, hash: rows[last].key.hashValue)
            byPath.renumber(last, to: row, hash: rows[last].value.path.hashValue)
            rows[row] = rows[last]
        }
        rows.removeLast()
    }

    public mutating func removeAll() {
        rows.removeAll()
        byKey = RowSlots()
        byPath = RowSlots()
    }

    public func makeIterator() -> IndexingIterator<[Element]> { rows.makeIterator() }

    /// The rows that satisfy `isIncluded`, as a table.
    public func filter(_ isIncluded: (Element) throws -> Bool) rethrows -> StateTable {
        var result = StateTable()
        for row in rows where try isIncluded(row) { result[row.key] = row.value }
        return result
    }
}

extension StateTable {
    /// The keys recorded at `paths` or at one of their ancestors (a recorded file replaced by a
    /// directory of its name, whose children are what the watcher reports).
    public func keys(atOrAbove paths: some Sequence<FilePathBytes>) -> Set<ItemKey> {
        var keys = Set<ItemKey>()
        for path in paths {
            keys.formUnion(self.keys(atPath: path))
            for (index, byte) in path.bytes.enumerated() where byte == UInt8(ascii: "/") && index > 0 {
                keys.formUnion(self.keys(atPath: FilePathBytes(Array(path.bytes[..<index]))))
            }
        }
        return keys
    }
}

/// An open-addressing hash table of row numbers (linear probing, at most half full, slots hold
/// row + 1 so that 0 is empty). It stores no keys: the caller hashes and compares through its
/// rows, so a slot costs 4 bytes.
struct RowSlots: Sendable {
    private var slots: [UInt32] = []
    private var count = 0

    private var mask: Int { slots.count - 1 }

    /// The first row along `hash`'s probe sequence that `matches`.
    func first(hash: Int, where matches: (Int) -> Bool) -> Int? {
        guard !slots.isEmpty else { return nil }
        var slot = hash & mask
        while slots[slot] != 0 {
            let row = Int(slots[slot]) - 1
            if matches(row) { return row }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Every row along `hash`'s probe sequence (the caller filters by its own equality).
    func forEach(hash: Int, _ body: (Int) -> Void) {
        guard !slots.isEmpty else { return }
        var slot = hash & mask
        while slots[slot] != 0 {
            body(Int(slots[slot]) - 1)
            slot = (slot + 1) & mask
        }
    }

    mutating func reserveCapacity(_ capacity: Int, hashOfRow: (Int) -> Int) {
        let wanted = Self.slotCount(for: capacity)
        if wanted > slots.count { rebuild(slotCount: wanted, hashOfRow: hashOfRow) }
    }

    mutating func insert(row: Int, hash: Int, hashOfRow: (Int) -> Int) {
        if (count + 1) * 2 > slots.count { rebuild(slotCount: Self.slotCount(for: count + 1), hashOfRow: hashOfRow) }
        place(row: row, hash: hash)
        count += 1
    }

    /// Removes `row`'s slot (found along `hash`), closing the gap so every probe sequence stays whole.
    mutating func remove(row: Int, hash: Int, hashOfRow: (Int) -> Int) {
        guard var hole = slot(of: row, hash: hash) else { return }
        var next = hole
        while true {
            next = (next + 1) & mask
            guard slots[next] != 0 else { break }
            let home = hashOfRow(Int(slots[next]) - 1) & mask
            // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
            let stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
            if !stays {
                slots[hole] = slots[next]
                hole = next
            }
        }
        slots[hole] = 0
        count -= 1
    }

    /// The row numbered `old` is now numbered `new` (found along `hash`, the row's own).
    mutating func renumber(_ old: Int, to new: Int, hash: Int) {
        if let slot = slot(of: old, hash: hash) { slots[slot] = UInt32(new + 1) }
    }

    private func slot(of row: Int, hash: Int) -> Int? {
        guard !slots.isEmpty else { return nil }
        var slot = hash & mask
        while slots[slot] != 0 {
            if Int(slots[slot]) - 1 == row { return slot }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private mutating func place(row: Int, hash: Int) {
        var slot = hash & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = UInt32(row + 1)
    }

    private mutating func rebuild(slotCount: Int, hashOfRow: (Int) -> Int) {
        let old = slots
        slots = [UInt32](repeating: 0, count: slotCount)
        for value in old where value != 0 { place(row: Int(value) - 1, hash: hashOfRow(Int(value) - 1)) }
    }

    /// The power of two that keeps `capacity` rows at most half full (at least 16).
    private static func slotCount(for capacity: Int) -> Int {
        var slots = 16
        while slots < capacity * 2 { slots *= 2 }
        return slots
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
