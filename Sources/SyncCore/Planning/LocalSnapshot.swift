import AISearchAPI
import LinuxSystem

/// One scan of the watched tree, as the planner needs it. Built by the scanner; a value.
public struct LocalSnapshot: Hashable, Sendable {
    /// Every file seen under the root, eligible or not. At most one eligible file per key (the
    /// scanner marks the others `.keyConflict`).
    public var files: [LocalFile]
    /// False when the root directory itself is gone (unmounted, deleted): nothing is deleted then.
    public var rootExists: Bool
    /// Directories or files the scan could not read; any at all withholds every delete.
    public var scanErrors: [ScanError]
    /// Eligible files the scan found exactly as the state's records say they are synced (and
    /// their listed items as recorded), left out of `files` (see
    /// `TreeScanner.scanAll(state:remoteItems:settling:)`): rows of the scanned state's table.
    public var settled = SettledRows()

    public init(files: [LocalFile], rootExists: Bool = true, scanErrors: [ScanError] = []) {
        self.files = files
        self.rootExists = rootExists
        self.scanErrors = scanErrors
    }

    public var scanHadErrors: Bool { !scanErrors.isEmpty }
    /// No file at all under the root (eligible or not).
    public var isEmpty: Bool { files.isEmpty && settled.isEmpty }
    /// Files seen, settled ones included.
    public var fileCount: Int { files.count + settled.count }
    /// Eligible files seen, settled ones included.
    public var eligibleCount: Int { files.count(where: \.isEligible) + settled.count }
}

/// A set of row numbers of a `StateTable`, one bit each: what a full scan holds for the files it
/// settled, instead of a record per file (12.5 KB at 100,000 rows, where the records were 20 MB).
/// Valid for the table it was made from while no row is removed; rows appended later are never in it.
public struct SettledRows: Hashable, Sendable {
    private var words: [UInt64] = []
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    public func contains(_ row: Int) -> Bool {
        let word = row >> 6
        return word < words.count && words[word] & (1 << UInt64(row & 63)) != 0
    }

    public mutating func remove(_ row: Int) {
        let word = row >> 6
        let bit: UInt64 = 1 << UInt64(row & 63)
        guard word < words.count, words[word] & bit != 0 else { return }
        words[word] &= ~bit
        count -= 1
    }

    /// Each row in the set, in increasing order.
    public func forEach(_ body: (Int) throws -> Void) rethrows {
        for (index, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                try body(index << 6 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
    }

    public mutating func insert(_ row: Int) {
        let word = row >> 6
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: word - words.count + 1)) }
        let bit: UInt64 = 1 << UInt64(row & 63)
        if words[word] & bit == 0 {
            words[word] |= bit
            count += 1
        }
    }
}

/// A file under the root, with what the scanner learned of it.
public struct LocalFile: Hashable, Sendable {
    public enum Eligibility: Hashable, Sendable {
        case eligible
        case ineligible(IneligibilityReason)
    }

    public var key: ItemKey
    /// Path below the root, raw bytes.
    public var path: FilePathBytes
    public var status: FileStatus
    public var eligibility: Eligibility
    /// Lowercase hex digests computed in this scan. SHA-256 is present for every eligible file the
    /// scanner had to hash (`SyncState.needsRehash`); when absent, the state's SHA-256 stands for
    /// a file whose `lstat` identity is unchanged. MD5/SHA-1 only when asked for (see
    /// `checksumAlgorithmsToCompute`).
    public var digests: [ChecksumAlgorithm: String]

    public init(key: ItemKey, path: FilePathBytes, status: FileStatus, eligibility: Eligibility = .eligible,
                digests: [ChecksumAlgorithm: String] = [:]) {
        self.key = key
        self.path = path
        self.status = status
        self.eligibility = eligibility
        // Most files carry no digest (the state vouches for them); an empty table allocates nothing.
        self.digests = digests.isEmpty ? [:] : digests.mapValues { $0.lowercased() }
    }

    public var isEligible: Bool { eligibility == .eligible }
}

/// A path the scan could not read.
public struct ScanError: Hashable, Sendable, Codable, CustomStringConvertible {
    /// For display (raw bytes shown with `\xNN` escapes).
    public var path: String
    public var message: String

    public init(path: FilePathBytes, message: String) {
        self.path = path.description
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// What the round knows of the instance: the items of `GET …/items` (all pages), or, when one
/// request showed the instance unchanged since the last full comparison (and for rescans and
/// watch batches), the state's own records, one item per recorded key, never materialised as a
/// list (at 100,000 keys that list was 17 MB per round).
public struct RemoteListing: Hashable, Sendable {
    public var items: [Item]
    /// False when a page failed: absent items then prove nothing, so nothing is deleted.
    public var isComplete: Bool
    /// Set when the state's records stand for the instance; `items` is then empty.
    public var recorded: RecordedInstance?
    /// The listed items a `ListingFold` took as their rows record them: not in `items`.
    public var folded: FoldedItems?

    public init(items: [Item], isComplete: Bool = true) {
        self.items = items
        self.isComplete = isComplete
    }

    /// The instance as the planned state records it.
    public static func recorded(_ instance: RecordedInstance) -> RemoteListing {
        var listing = RemoteListing(items: [])
        listing.recorded = instance
        return listing
    }
}

/// Listed items that are exactly what their state rows record (`ListingFold`), kept as those rows:
/// the item of a row is `instance.item(key, entry)` of that row.
///
/// Valid for the table the fold read (`revision`), and for that table with a scan's changes
/// applied: a scan only hashes files, which adds rows and changes no row's remote record.
public struct FoldedItems: Hashable, Sendable {
    public var rows: SettledRows
    /// Rows whose item carries `owner` as its marker.
    public var marked: SettledRows
    public var owner: String
    /// `StateStore.revision` of the table the fold read.
    public var revision: Int
    public var instance: RecordedInstance
    /// That table, until the round has seen it is the one it scans (then nil: a table kept while
    /// the store changes is a copy of all of it).
    public var foldedFrom: SyncState?

    /// The item of a folded row, read from `state` (the table folded into, or it after a scan).
    public func item(atRow row: Int, in state: SyncState) -> Item {
        let (key, entry) = state.entries[row: row]
        // A folded row records an item: the fold took it for being that item.
        var item = instance.item(key, entry)!
        if marked.contains(row) { item.metadata = [SyncMetadata.ownerField: .string(owner)] }
        return item
    }

    /// Every folded item, in row order, read from `state` (as `item(atRow:in:)`).
    public func items(in state: SyncState) -> [Item] {
        var items: [Item] = []
        items.reserveCapacity(rows.count)
        rows.forEach { items.append(item(atRow: $0, in: state)) }
        return items
    }
}

extension RemoteListing {
    /// The same listing with its folded items as items (`FoldedItems.foldedFrom` must be there).
    public func unfolded() -> RemoteListing {
        guard let folded else { return self }
        guard let table = folded.foldedFrom else { preconditionFailure("a folded listing unfolded after its table was let go") }
        var listing = self
        listing.items += folded.items(in: table)
        listing.folded = nil
        return listing
    }
}

/// How a recorded key's item looks when the state stands for the instance.
public struct RecordedInstance: Hashable, Sendable {
    public var namespace: String
    /// The `source_id` our items carry (see `PlanOptions.itemSource`).
    public var itemSource: String?

    public init(namespace: String, itemSource: String?) {
        self.namespace = namespace
        self.itemSource = itemSource
    }

    /// The item a state entry records, or nil when it records none.
    public func item(_ key: ItemKey, _ entry: StateEntry) -> Item? {
        guard let record = entry.remote else { return nil }
        return Item(id: record.itemID, key: key.rawValue, checksum: record.checksum, createdAt: "", lastSeenAt: "",
                    fileSize: entry.identity?.size, namespace: namespace, sourceID: itemSource, status: record.status)
    }
}
