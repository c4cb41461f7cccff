import AISearchAPI
import LinuxSystem

/// Folds a listing into the state as its pages are read: an item that is exactly what its key's
/// row records, and ours, is taken as that row (one bit) and never made into an `Item`.
///
/// At 100,000 unchanged items a full comparison decoded 100,000 `Item`s (four heap strings each),
/// found them by key in a hash table and compared each with its record: two fifths of its CPU.
/// Here an item is compared where it lies in the page, and the plan later makes an `Item` only of
/// a folded row whose file changed or went (`FoldedItems.item(atRow:in:)`).
///
/// "Exactly as recorded" is `ItemsByKey.isListedAsRecorded`: a candidate under the settling rules,
/// the recorded id and status, no declared digest, no other agent's marker, the recorded checksum.
/// A row is folded only while its key has no other listed item: a second item under the key (a
/// duplicate, or the item again but changed) takes the row back, and the row is then never
/// folded again in this listing. A taken-back row whose folded item differs from what came after
/// it by id is in `takenBack`: that item is still listed, and the caller adds it as an `Item`.
public struct ListingFold: ListedItemFold {
    /// The table folded into (its row numbers are the fold's).
    public let state: SyncState
    let rules: TreeScanner.Settling
    /// How a folded row's item looks, made again from the row.
    let instance: RecordedInstance
    /// Rows whose key's listed item is exactly what they record: the folded items.
    public private(set) var rows = SettledRows()
    /// Folded rows whose item carries our owner marker (the plan tells an upload over such an
    /// item apart: `UploadReason.remoteChanged`).
    public private(set) var marked = SettledRows()
    /// Rows with a listed item that was not folded: never folded in this listing.
    private var closed = SettledRows()
    /// Rows taken back whose folded item is still an item of the listing (another id came after it).
    public private(set) var takenBack: [Int] = []
    /// The row after the last one a listed item was found at: where the next is looked for first.
    private var nextRow = 0

    public init(state: SyncState, rules: TreeScanner.Settling, instance: RecordedInstance) {
        self.state = state
        self.rules = rules
        self.instance = instance
    }

    public mutating func consumes(_ item: ListedItemView) -> Bool {
        guard item.nextAction != .delete, let source = item.sourceID, rules.itemSource.hasSameUTF8(as: source),
              item.key.starts(with: rules.keyPrefix.utf8),
              let row = state.entries.rowNumber(ofKeyBytes: item.key, hint: nextRow),
              let record = state.entries.remote(atRow: row) else { return false }
        nextRow = row + 1
        let sameID = record.hasItemID(bytes: item.id)
        guard sameID, let marked = isListedAsRecorded(item, record: record) else {
            return take(row: row, sameID: sameID, asRecorded: false, marked: false)
        }
        return take(row: row, sameID: true, asRecorded: true, marked: marked)
    }

    public mutating func consumes(_ item: Item) -> Bool {
        guard item.isCandidate(itemSource: rules.itemSource, keyPrefix: rules.keyPrefix),
              let row = state.entries.rowNumber(of: ItemKey(item.key)), let record = state.entries.remote(atRow: row) else { return false }
        return take(row: row, sameID: record.hasItemID(item.id),
                    asRecorded: Self.isHealthy(item.status) && ItemsByKey.isListedAsRecorded(item, record: record, rules: rules),
                    marked: item.ownerMarker != nil)
    }

    /// An item in `error` or `outdated` is planned (re-indexed, or its error reported), never
    /// settled: it is not folded, so the plan sees its message.
    private static func isHealthy(_ status: Item.Status) -> Bool { status != .error && status != .outdated }

    /// The row's bookkeeping for one more listed candidate item of its key.
    private mutating func take(row: Int, sameID: Bool, asRecorded: Bool, marked isMarked: Bool) -> Bool {
        if asRecorded, !closed.contains(row) {
            // The first listed item of the key, or the same item listed again unchanged.
            rows.insert(row)
            if isMarked { marked.insert(row) } else { marked.remove(row) }
            return true
        }
        closed.insert(row)
        if rows.contains(row) {
            rows.remove(row)
            if !sameID { takenBack.append(row) }
        }
        return false
    }

    /// `ItemsByKey.isListedAsRecorded` for the item's bytes (the id and the candidacy already
    /// checked), and healthy: whether it carries our marker, or nil when it is not as recorded or
    /// this cannot be decided from its bytes (the item is then decoded).
    private func isListedAsRecorded(_ item: ListedItemView, record: RemoteRecord) -> Bool? {
        guard item.status == record.status, Self.isHealthy(item.status) else { return nil }
        let (declared, owner) = item.metadataTexts(SyncMetadata.sha256Field, SyncMetadata.ownerField)
        guard case .absent = declared else { return nil }
        var marked = false
        switch owner {
        case .absent: break
        case .text(let marker):
            guard marker.isEmpty || rules.owner.hasSameUTF8(as: marker) else { return nil }
            marked = !marker.isEmpty
        case .unusual: return nil
        }
        // A checksum that needs normalizing (blanks, quotes, capitals) is compared decoded.
        guard !item.checksum.isEmpty, item.checksum.allSatisfy(isPlainChecksumByte),
              record.hasNormalizedChecksum(bytes: item.checksum) else { return nil }
        return marked
    }

    /// The folded items of the listing, for the round (`revision`: `StateStore.revision` of `state`).
    public func folded(revision: Int) -> FoldedItems {
        FoldedItems(rows: rows, marked: marked, owner: rules.owner, revision: revision, instance: instance, foldedFrom: state)
    }

    /// The items of the rows taken back that are still listed (see `takenBack`).
    public var itemsTakenBack: [Item] {
        let folded = folded(revision: 0)
        return takenBack.map { folded.item(atRow: $0, in: state) }
    }

    /// Takes every folded row back: their items, and no row folded.
    public mutating func takeAllBack() -> [Item] {
        defer { (rows, marked) = (SettledRows(), SettledRows()) }
        return folded(revision: 0).items(in: state)
    }
}
