import AISearchAPI

/// The emulator's keyword search: items cut into chunks (``TextChunker``), chunks cut into
/// folded terms (``KeywordTokenizer``), and an inverted index ranking chunks by BM25.
///
/// A value type with no hidden state: the same calls in the same order give the same index, and
/// a search's answer depends only on the live items, never on the order they were added (ties
/// are broken by item key, then chunk start, then item id). Not `Codable`: persist the items
/// and call ``add(itemID:key:text:metadata:timestamp:chunkSize:chunkOverlap:)`` again on load.
///
/// Costs: adding an item is linear in its text; removing one is linear in its chunks' distinct
/// terms (postings of removed chunks are skipped until a compaction drops them, which runs once
/// dead postings outnumber live ones). A search reads the postings of its terms only.
public struct KeywordIndex: Sendable {
    /// BM25 term-frequency saturation.
    public static let k1 = 1.2
    /// BM25 length normalisation.
    public static let b = 0.75

    struct StoredItem: Sendable {
        var key: String
        var utf8: [UInt8]
        var metadata: [String: JSONValue]?
        var timestamp: Double?
        /// Slots of the item's chunks, in text order.
        var slots: [Int]
    }

    struct StoredChunk: Sendable {
        var itemID: String
        /// Position in its item, from 0.
        var index: Int
        var bytes: Range<Int>
        /// Number of terms (repeats included): the BM25 document length.
        var length: Int
        /// Distinct terms with their counts, sorted by term id for binary search.
        var terms: [TermCount]

        func count(of term: Int32) -> Int {
            var low = 0, high = terms.count
            while low < high {
                let middle = (low + high) / 2
                if terms[middle].term < term { low = middle + 1 } else { high = middle }
            }
            return low < terms.count && terms[low].term == term ? Int(terms[low].count) : 0
        }
    }

    struct TermCount: Sendable { var term: Int32; var count: Int32 }
    struct Posting: Sendable { var slot: Int32; var count: Int32 }

    var items: [String: StoredItem] = [:]
    /// Chunks by slot; `nil` once removed, until the next compaction renumbers them.
    var slots: [StoredChunk?] = []
    var liveChunkCount = 0
    var totalLength = 0
    var termIDs: [String: Int32] = [:]
    var termNames: [String] = []
    /// By term id: every chunk that held the term when added, in slot order, dead ones included.
    var postings: [[Posting]] = []
    /// By term id: the number of live chunks holding the term (BM25's `n`).
    var documentFrequency: [Int] = []
    var livePostingCount = 0
    var deadPostingCount = 0

    public init() {}

    /// Number of items, including items whose text had no chunks.
    public var itemCount: Int { items.count }
    /// Number of chunks over all items (BM25's `N`).
    public var chunkCount: Int { liveChunkCount }

    /// Whether an item with this id is indexed.
    public func contains(itemID: String) -> Bool { items[itemID] != nil }

    /// The number of chunks of one item (the item's `chunks_count`), 0 for an unknown item.
    public func chunkCount(forItem itemID: String) -> Int { items[itemID]?.slots.count ?? 0 }

    /// Indexes `text` as item `itemID`, replacing whatever that item held before (its old
    /// chunks and words stop matching at once).
    ///
    /// - Parameters:
    ///   - chunkSize: the instance's `chunk_size` in tokens; `nil` for the default 256.
    ///   - chunkOverlap: the instance's `chunk_overlap` in percent (0 … 30); `nil` for 10.
    ///   See ``TextChunker`` for how both are applied and clamped.
    public mutating func add(itemID: String, key: String, text: String, metadata: [String: JSONValue]?,
                             timestamp: Double?, chunkSize: Int?, chunkOverlap: Int?) {
        remove(itemID: itemID)
        let utf8 = Array(text.utf8)
        let chunker = TextChunker(chunkSize: chunkSize, overlapPercent: chunkOverlap)
        var itemSlots: [Int] = []
        for (index, range) in chunker.chunkRanges(of: text).enumerated() {
            let terms = KeywordTokenizer.terms(in: String(decoding: utf8[range], as: UTF8.self))
            var counts: [Int32: Int32] = [:]
            for term in terms { counts[termID(for: term), default: 0] += 1 }
            let termCounts = counts.map { TermCount(term: $0.key, count: $0.value) }.sorted { $0.term < $1.term }
            let slot = slots.count
            for termCount in termCounts {
                postings[Int(termCount.term)].append(Posting(slot: Int32(slot), count: termCount.count))
                documentFrequency[Int(termCount.term)] += 1
            }
            livePostingCount += termCounts.count
            slots.append(StoredChunk(itemID: itemID, index: index, bytes: range, length: terms.count, terms: termCounts))
            liveChunkCount += 1
            totalLength += terms.count
            itemSlots.append(slot)
        }
        items[itemID] = StoredItem(key: key, utf8: utf8, metadata: metadata, timestamp: timestamp, slots: itemSlots)
    }

    /// Removes an item and its chunks; nothing happens for an unknown id.
    public mutating func remove(itemID: String) {
        guard let item = items.removeValue(forKey: itemID) else { return }
        for slot in item.slots {
            guard let chunk = slots[slot] else { continue }
            for termCount in chunk.terms { documentFrequency[Int(termCount.term)] -= 1 }
            livePostingCount -= chunk.terms.count
            deadPostingCount += chunk.terms.count
            totalLength -= chunk.length
            liveChunkCount -= 1
            slots[slot] = nil
        }
        let deadSlots = slots.count - liveChunkCount
        if deadPostingCount > max(1 << 14, livePostingCount) || deadSlots > max(1 << 10, liveChunkCount) {
            compact()
        }
    }

    /// The chunks of one item in text order, as `GET …/items/{id}/chunks` lists them; empty for
    /// an unknown item.
    public func chunks(forItem itemID: String) -> [ItemChunk] {
        guard let item = items[itemID] else { return [] }
        return item.slots.compactMap { slot in
            guard let chunk = slots[slot] else { return nil }
            return ItemChunk(id: Self.chunkID(itemID: itemID, index: chunk.index),
                             text: String(decoding: item.utf8[chunk.bytes], as: UTF8.self),
                             startByte: chunk.bytes.lowerBound, endByte: chunk.bytes.upperBound,
                             item: ItemChunk.ItemReference(key: item.key, metadata: item.metadata,
                                                           timestamp: item.timestamp))
        }
    }

    /// A chunk's id: `{item id}:{position}`, stable while the item's text and chunk settings are.
    static func chunkID(itemID: String, index: Int) -> String { "\(itemID):\(index)" }

    private mutating func termID(for term: String) -> Int32 {
        if let id = termIDs[term] { return id }
        let id = Int32(termNames.count)
        termIDs[term] = id
        termNames.append(term)
        postings.append([])
        documentFrequency.append(0)
        return id
    }

    /// Renumbers live chunks and terms densely and drops dead postings and unused terms.
    /// Changes no answer: ordering never depends on slot or term numbers.
    private mutating func compact() {
        let oldSlots = slots, oldNames = termNames
        slots = []
        termIDs = [:]
        termNames = []
        postings = []
        documentFrequency = []
        var newSlot = [Int](repeating: -1, count: oldSlots.count)
        for (old, stored) in oldSlots.enumerated() {
            guard var chunk = stored else { continue }
            let slot = slots.count
            chunk.terms = chunk.terms
                .map { TermCount(term: termID(for: oldNames[Int($0.term)]), count: $0.count) }
                .sorted { $0.term < $1.term }
            for termCount in chunk.terms {
                postings[Int(termCount.term)].append(Posting(slot: Int32(slot), count: termCount.count))
                documentFrequency[Int(termCount.term)] += 1
            }
            slots.append(chunk)
            newSlot[old] = slot
        }
        items = items.mapValues { item in
            var item = item
            item.slots = item.slots.map { newSlot[$0] }
            return item
        }
        deadPostingCount = 0
    }
}
