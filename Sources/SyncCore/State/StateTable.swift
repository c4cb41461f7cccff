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
/// Keys and paths live once, as bytes, in one arena: a row holds where its key's bytes are and
/// where its path's, and a path that is the tail of its key (no prefix, or the prefix and a path
/// that needed no escaping: nearly always) points into the key's bytes instead of being stored
/// again. At 100,000 rows a key `String` and a path array each were their own heap block of
/// ~64 bytes: 12 MB, where the arena holds ~3 MB. A key or path is built when read.
///
/// Iteration follows the rows: insertion order, except that removing a row moves the last row
/// into its place. No caller may depend on the order (the dictionary had none).
public struct StateTable: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: ItemKey, value: StateEntry)

    /// Where a key or path lies in `bytes`.
    private struct Span: Sendable {
        var start: UInt32
        var count: UInt32
        var range: Range<Int> { Int(start)..<Int(start) + Int(count) }
    }

    private struct Row: Sendable {
        var key: Span
        var path: Span
        /// The entry without its path (that is `path`'s bytes), packed.
        var entry: PackedEntry
    }

    private var rows: [Row] = []
    /// The rare parts of entries that do not fit a packed row; `freeExtras` are unused positions.
    private var extras: [PackedEntry.Extra] = []
    private var freeExtras: [Int] = []
    /// Every row's key and path bytes; `garbage` of them belong to no row any more.
    private var bytes: [UInt8] = []
    private var garbage = 0
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
    public var keys: LazyMapSequence<Range<Int>, ItemKey> { rows.indices.lazy.map { key(ofRow: $0) } }
    public var values: LazyMapSequence<Range<Int>, StateEntry> { rows.indices.lazy.map { entry(ofRow: $0) } }

    /// The row number of `key`: stable while no row is removed (a removal moves the last row).
    public func rowNumber(of key: ItemKey) -> Int? {
        Self.withBytes(of: key) { rowNumber(ofKeyBytes: $0) }
    }

    /// The row number of the key spelled by `keyBytes`.
    public func rowNumber(ofKeyBytes keyBytes: UnsafeBufferPointer<UInt8>) -> Int? {
        byKey.first(hash: Self.hash(keyBytes)) { bytesEqual(rows[$0].key, keyBytes) }
    }

    /// `rowNumber(ofKeyBytes:)`, trying row `hint` first. A reader that goes through keys in
    /// about the order of the rows (a listing, a walk: the rows were made in listing order, and
    /// the table is written and read back in row order) passes the row after the last one it
    /// found: one comparison, in memory read in order, instead of a hash and a probe into a
    /// table the size of the state (a third of the fold's time at 100,000 items).
    public func rowNumber(ofKeyBytes keyBytes: UnsafeBufferPointer<UInt8>, hint: Int) -> Int? {
        if hint >= 0 && hint < rows.count && bytesEqual(rows[hint].key, keyBytes) { return hint }
        return rowNumber(ofKeyBytes: keyBytes)
    }

    /// The keys whose entries record `path`.
    public func keys(atPath path: FilePathBytes) -> [ItemKey] {
        var keys: [ItemKey] = []
        path.bytes.withUnsafeBufferPointer { wanted in
            byPath.forEach(hash: Self.hash(wanted)) { row in
                if bytesEqual(rows[row].path, wanted) { keys.append(key(ofRow: row)) }
            }
        }
        return keys
    }

    /// The row at `rowNumber` (a number from `rowNumber(of:)` or from enumerating the table).
    public subscript(row rowNumber: Int) -> Element { (key(ofRow: rowNumber), entry(ofRow: rowNumber)) }

    /// The remote record of `key`, without the rest of its entry (no path copied out of the
    /// arena): for the planner's pass over the listing, which asks only whose item each is.
    public func remote(of key: ItemKey) -> RemoteRecord? {
        guard let row = rowNumber(of: key) else { return nil }
        return remote(atRow: row)
    }

    /// The remote record of the row at `rowNumber`, without the rest of its entry.
    public func remote(atRow rowNumber: Int) -> RemoteRecord? {
        let packed = rows[rowNumber].entry
        return packed.remote(extra: packed.extra == 0 ? nil : extras[Int(packed.extra) - 1])
    }

    /// The key of the row at `rowNumber`, without its entry.
    public func key(atRow rowNumber: Int) -> ItemKey { key(ofRow: rowNumber) }

    /// The entry of a row if its path is `path`, else nil: for a walk that checks a file against
    /// its record, comparing the path in the arena instead of copying it out (`entry.path` is
    /// the caller's `path`).
    public func entry(atRow rowNumber: Int, ifPathIs path: FilePathBytes) -> StateEntry? {
        let matches = path.bytes.withUnsafeBufferPointer { bytesEqual(rows[rowNumber].path, $0) }
        guard matches else { return nil }
        var entry = unpackedEntry(ofRow: rowNumber)
        entry.path = path
        return entry
    }

    public mutating func reserveCapacity(_ capacity: Int) {
        rows.reserveCapacity(capacity)
        byKey.reserveCapacity(capacity) { Self.hash(bytes, rows[$0].key) }
        byPath.reserveCapacity(capacity) { Self.hash(bytes, rows[$0].path) }
    }

    public subscript(key: ItemKey) -> StateEntry? {
        get { rowNumber(of: key).map { entry(ofRow: $0) } }
        set {
            if let row = rowNumber(of: key) {
                guard let newValue else { return remove(row: row) }
                var packed = PackedEntry(newValue)
                packed.setExtra(position: storeExtra(PackedEntry.extra(of: newValue), replacing: rows[row].entry.extra))
                rows[row].entry = packed
                if newValue.path.bytes.withUnsafeBufferPointer({ bytesEqual(rows[row].path, $0) }) { return }
                byPath.remove(row: row, hash: Self.hash(bytes, rows[row].path)) { Self.hash(bytes, rows[$0].path) }
                if !isInsideKey(rows[row].path, of: rows[row]) { garbage += Int(rows[row].path.count) }
                rows[row].path = newValue.path.bytes.withUnsafeBufferPointer { store(pathBytes: $0, key: rows[row].key) }
                byPath.insert(row: row, hash: Self.hash(bytes, rows[row].path)) { Self.hash(bytes, rows[$0].path) }
                compactIfWasteful()
            } else if let newValue {
                Self.withBytes(of: key) { keyBytes in
                    newValue.path.bytes.withUnsafeBufferPointer { appendRow(keyBytes: keyBytes, keyHash: Self.hash(keyBytes), pathBytes: $0, entry: newValue) }
                }
            }
        }
    }

    /// Sets the row of the key spelled `keyBytes` to `entry` at the path spelled `pathBytes`
    /// (`entry.path` is not read): for a loader reading keys and paths as bytes, without a
    /// `String` or an array made of each.
    public mutating func set(keyBytes: UnsafeBufferPointer<UInt8>, pathBytes: UnsafeBufferPointer<UInt8>, entry: StateEntry) {
        guard !appendPacked(keyBytes: keyBytes, pathBytes: pathBytes, entry: PackedEntry(entry), extra: PackedEntry.extra(of: entry)) else {
            return
        }
        // A key set again: the usual way.
        var entry = entry
        entry.path = FilePathBytes(Array(pathBytes))
        self[ItemKey(String(decoding: keyBytes, as: UTF8.self))] = entry
    }

    /// Every row as its key's and path's bytes (in the arena) and its packed entry: what a
    /// snapshot writes, without an entry, key or path made of any row.
    func forEachPackedRow(_ body: (_ key: UnsafeBufferPointer<UInt8>, _ path: UnsafeBufferPointer<UInt8>,
                                   PackedEntry, PackedEntry.Extra?) -> Void) {
        bytes.withUnsafeBufferPointer { arena in
            for row in rows {
                body(UnsafeBufferPointer(rebasing: arena[row.key.range]), UnsafeBufferPointer(rebasing: arena[row.path.range]),
                     row.entry, row.entry.extra == 0 ? nil : extras[Int(row.entry.extra) - 1])
            }
        }
    }

    /// Appends a row read from a snapshot, as `forEachPackedRow` showed it; false (and nothing
    /// changed) when the key already has a row.
    mutating func appendPacked(keyBytes: UnsafeBufferPointer<UInt8>, pathBytes: UnsafeBufferPointer<UInt8>,
                               entry: PackedEntry, extra: PackedEntry.Extra?) -> Bool {
        let keyHash = Self.hash(keyBytes)
        guard byKey.first(hash: keyHash, where: { bytesEqual(rows[$0].key, keyBytes) }) == nil else { return false }
        appendNewRow(keyBytes: keyBytes, keyHash: keyHash, pathBytes: pathBytes, packed: entry, extra: extra)
        return true
    }

    private mutating func appendRow(keyBytes: UnsafeBufferPointer<UInt8>, keyHash: Int, pathBytes: UnsafeBufferPointer<UInt8>, entry: StateEntry) {
        appendNewRow(keyBytes: keyBytes, keyHash: keyHash, pathBytes: pathBytes, packed: PackedEntry(entry), extra: PackedEntry.extra(of: entry))
    }

    /// Appends a row for a key that has none.
    private mutating func appendNewRow(keyBytes: UnsafeBufferPointer<UInt8>, keyHash: Int, pathBytes: UnsafeBufferPointer<UInt8>,
                                       packed: PackedEntry, extra: PackedEntry.Extra?) {
        var packed = packed
        packed.setExtra(position: storeExtra(extra, replacing: 0))
        let keySpan = append(keyBytes)
        let row = rows.count
        rows.append(Row(key: keySpan, path: store(pathBytes: pathBytes, key: keySpan), entry: packed))
        byKey.insert(row: row, hash: keyHash) { Self.hash(bytes, rows[$0].key) }
        byPath.insert(row: row, hash: Self.hash(bytes, rows[row].path)) { Self.hash(bytes, rows[$0].path) }
    }

    /// How many rows record their file's content (identity and SHA-256), and how many an item:
    /// read from the packed rows, no entry made.
    public var trackedAndOwnedCounts: (tracked: Int, owned: Int) {
        var counts = (tracked: 0, owned: 0)
        for row in rows {
            if row.entry.recordsContent { counts.tracked += 1 }
            if row.entry.recordsItem { counts.owned += 1 }
        }
        return counts
    }

    /// Puts `extra` where the row's old one was (`old`: 1 + its position, or 0), or in a free
    /// position; frees the old one when there is no new one. Returns the new position.
    private mutating func storeExtra(_ extra: PackedEntry.Extra?, replacing old: UInt32) -> Int? {
        let oldPosition = old == 0 ? nil : Int(old) - 1
        guard let extra else {
            if let oldPosition { freeExtras.append(oldPosition) }
            return nil
        }
        if let position = oldPosition ?? freeExtras.popLast() {
            extras[position] = extra
            return position
        }
        extras.append(extra)
        return extras.count - 1
    }

    private mutating func remove(row: Int) {
        byKey.remove(row: row, hash: Self.hash(bytes, rows[row].key)) { Self.hash(bytes, rows[$0].key) }
        byPath.remove(row: row, hash: Self.hash(bytes, rows[row].path)) { Self.hash(bytes, rows[$0].path) }
        garbage += Int(rows[row].key.count) + (isInsideKey(rows[row].path, of: rows[row]) ? 0 : Int(rows[row].path.count))
        _ = storeExtra(nil, replacing: rows[row].entry.extra)
        let last = rows.count - 1
        if row != last {
            byKey.renumber(last, to: row, hash: Self.hash(bytes, rows[last].key))
            byPath.renumber(last, to: row, hash: Self.hash(bytes, rows[last].path))
            rows[row] = rows[last]
        }
        rows.removeLast()
        compactIfWasteful()
    }

    public mutating func removeAll() {
        self = StateTable()
    }

    public struct Iterator: IteratorProtocol {
        fileprivate let table: StateTable
        fileprivate var row = 0
        public mutating func next() -> Element? {
            guard row < table.count else { return nil }
            defer { row += 1 }
            return table[row: row]
        }
    }

    public func makeIterator() -> Iterator { Iterator(table: self) }

    /// The rows that satisfy `isIncluded`, as a table.
    public func filter(_ isIncluded: (Element) throws -> Bool) rethrows -> StateTable {
        var result = StateTable()
        for row in self where try isIncluded(row) { result[row.key] = row.value }
        return result
    }

    // MARK: - The arena

    private func key(ofRow row: Int) -> ItemKey {
        ItemKey(String(decoding: bytes[rows[row].key.range], as: UTF8.self))
    }

    private func entry(ofRow row: Int) -> StateEntry {
        var entry = unpackedEntry(ofRow: row)
        entry.path = FilePathBytes(Array(bytes[rows[row].path.range]))
        return entry
    }

    /// A row's entry with its extras but an empty path (the path stays in the arena).
    private func unpackedEntry(ofRow row: Int) -> StateEntry {
        let packed = rows[row].entry
        return packed.unpacked(extra: packed.extra == 0 ? nil : extras[Int(packed.extra) - 1])
    }

    private func bytesEqual(_ span: Span, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        Int(span.count) == other.count && bytes.withUnsafeBufferPointer { all in
            UnsafeBufferPointer(rebasing: all[span.range]).hasSameBytes(as: other)
        }
    }

    /// Static, over the arena alone: the lookup tables call it while they are being changed.
    private static func hash(_ bytes: [UInt8], _ span: Span) -> Int {
        bytes.withUnsafeBufferPointer { hash(UnsafeBufferPointer(rebasing: $0[span.range])) }
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        hasher.combine(bytes.count)
        return hasher.finalize()
    }

    private static func withBytes<Result>(of key: ItemKey, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = key.rawValue.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(key.rawValue.utf8).withUnsafeBufferPointer(body)
    }

    private func isInsideKey(_ path: Span, of row: Row) -> Bool {
        path.start >= row.key.start && path.start + path.count <= row.key.start + row.key.count
    }

    /// The span of a path: inside the key's bytes when it is their tail, appended otherwise.
    private mutating func store(pathBytes path: UnsafeBufferPointer<UInt8>, key: Span) -> Span {
        if path.count <= key.count {
            let tail = Span(start: key.start + key.count - UInt32(path.count), count: UInt32(path.count))
            if bytesEqual(tail, path) { return tail }
        }
        return append(path)
    }

    private mutating func append(_ new: UnsafeBufferPointer<UInt8>) -> Span {
        let span = Span(start: UInt32(bytes.count), count: UInt32(new.count))
        bytes.append(contentsOf: new)
        return span
    }

    /// Rewrites the arena with only the live rows' bytes once more than half of it is garbage.
    private mutating func compactIfWasteful() {
        guard garbage > 4096, garbage * 2 > bytes.count else { return }
        var packed: [UInt8] = []
        packed.reserveCapacity(bytes.count - garbage)
        for index in rows.indices {
            let row = rows[index]
            let keyStart = UInt32(packed.count)
            packed.append(contentsOf: bytes[row.key.range])
            rows[index].key.start = keyStart
            if isInsideKey(row.path, of: row) {
                rows[index].path.start = keyStart + (row.path.start - row.key.start)
            } else {
                rows[index].path.start = UInt32(packed.count)
                packed.append(contentsOf: bytes[row.path.range])
            }
        }
        bytes = packed
        garbage = 0
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
        return lhs.allSatisfy { rhs[$0.key] == $0.value }
    }

    /// Order-independent: the count and an XOR of each row's own hash.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        var combined = 0
        for row in self {
            var rowHasher = Hasher()
            rowHasher.combine(row.key)
            rowHasher.combine(row.value)
            combined ^= rowHasher.finalize()
        }
        hasher.combine(combined)
    }
}
