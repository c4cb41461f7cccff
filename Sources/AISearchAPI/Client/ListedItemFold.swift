import Hashing
import LinuxSystem

/// Takes items out of a listing as its pages are read, so that the ones the caller already knows
/// are never made into `Item`s.
///
/// A full comparison at 100,000 items read 2,000 pages into 100,000 `Item`s (four heap strings
/// each) only to find nearly all of them exactly as the sync state recorded them. A fold is shown
/// each item first, as bytes in the page (`ListedItemView`); the items it consumes are counted and
/// dropped, the others decoded as before. An item the page's narrow reader cannot show as bytes
/// (escapes in its strings, an unusual type) or a page read by `JSONDecoder` reaches the fold as an
/// `Item`.
public protocol ListedItemFold: Sendable {
    /// Whether the fold takes `item` (it is then not decoded). The view is valid only during the call.
    mutating func consumes(_ item: ListedItemView) -> Bool
    /// The same question for an item that was decoded.
    mutating func consumes(_ item: Item) -> Bool
    /// False for a fold that takes nothing: its pages are read without showing the items.
    var showsItems: Bool { get }
}

extension ListedItemFold {
    public var showsItems: Bool { true }
}

/// One listed item's fields as they are written in the page: the strings without escapes, so
/// their bytes are their text. Valid only while the page's bytes are (during `consumes`).
public struct ListedItemView {
    public let id: UnsafeBufferPointer<UInt8>
    public let key: UnsafeBufferPointer<UInt8>
    /// Empty for a null or missing checksum (as `Item.checksum`).
    public let checksum: UnsafeBufferPointer<UInt8>
    public let status: Item.Status
    public let sourceID: UnsafeBufferPointer<UInt8>?
    public let nextAction: Item.NextAction?
    /// The `metadata` object as written; nil when null or missing.
    let metadata: UnsafeBufferPointer<UInt8>?

    /// A metadata member's value, as `Item.metadata?[name]?.stringValue` would give it.
    public enum MetadataText {
        /// No such member, or one that is not a string.
        case absent
        case text(UnsafeBufferPointer<UInt8>)
        /// A string with escapes, or an object this view cannot read: ask the decoded item.
        case unusual
    }

    public func metadataText(_ name: String) -> MetadataText {
        metadataTexts(name, name).0
    }

    /// `metadataText` of two members, read in one pass over the object.
    public func metadataTexts(_ first: String, _ second: String) -> (MetadataText, MetadataText) {
        guard let metadata else { return (.absent, .absent) }
        // Most items carry neither member: a name that is nowhere in the object's bytes (and no
        // escape that could spell it) is not a member of it, and the object need not be read.
        if !metadata.contains(UInt8(ascii: "\\")), !Self.contains(metadata, first), !Self.contains(metadata, second) {
            return (.absent, .absent)
        }
        var reader = JSONByteReader(metadata)
        var found = (MetadataText.absent, MetadataText.absent)
        do throws(JSONByteReader.Failure) {
            try reader.beginObject()
            var isFirst = true
            while let member = try reader.nextRawKey(first: isFirst) {
                isFirst = false
                let isFirstName = member.is(text: first), isSecondName = member.is(text: second)
                guard isFirstName || isSecondName else {
                    try reader.skipValue()
                    continue
                }
                // A repeated member: the later one wins, as the decoder reads an object.
                let text: MetadataText = switch try reader.plainValue() {
                case .text(let text): .text(text)
                case .escapedText: .unusual
                case .null, .other: .absent
                }
                if isFirstName { found.0 = text }
                if isSecondName { found.1 = text }
            }
        } catch {
            return (.unusual, .unusual)
        }
        return found
    }

    /// Whether `name`'s UTF-8 occurs in `bytes`.
    private static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ name: String) -> Bool {
        var name = name
        return name.withUTF8 { name in
            guard let first = name.first, name.count <= bytes.count else { return name.isEmpty }
            var start = 0
            while start + name.count <= bytes.count, let found = bytes[start...(bytes.count - name.count)].firstIndex(of: first) {
                if UnsafeBufferPointer(rebasing: bytes[found..<found + name.count]).hasSameBytes(as: name) { return true }
                start = found + 1
            }
            return false
        }
    }

    /// The item's fields from the reader's position (the item's `{`), or nil (the reader then
    /// somewhere inside it) when any is not what this view holds: the caller decodes the item.
    static func read(_ reader: inout JSONByteReader) throws(JSONByteReader.Failure) -> ListedItemView? {
        var id: UnsafeBufferPointer<UInt8>?, key: UnsafeBufferPointer<UInt8>?, status: Item.Status?
        var checksum = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var sourceID: UnsafeBufferPointer<UInt8>?, nextAction: Item.NextAction?, metadata: UnsafeBufferPointer<UInt8>?
        try reader.beginObject()
        var first = true
        while let name = try reader.nextRawKey(first: first) {
            first = false
            if name.is("id") {
                guard case .text(let text) = try reader.plainValue() else { return nil }
                id = text
            } else if name.is("key") {
                guard case .text(let text) = try reader.plainValue() else { return nil }
                key = text
            } else if name.is("checksum") {
                switch try reader.plainValue() {
                case .text(let text): checksum = text
                case .null: checksum = UnsafeBufferPointer(start: nil, count: 0)
                case .escapedText, .other: return nil
                }
            } else if name.is("status") {
                guard case .text(let word) = try reader.plainValue(), let value = Item.Status(utf8: word) else { return nil }
                status = value
            } else if name.is("source_id") {
                switch try reader.plainValue() {
                case .text(let text): sourceID = text
                case .null: sourceID = nil
                case .escapedText, .other: return nil
                }
            } else if name.is("next_action") {
                switch try reader.plainValue() {
                case .text(let word):
                    guard let action = Item.NextAction(rawValue: String(decoding: word, as: UTF8.self)) else { return nil }
                    nextAction = action
                case .null: nextAction = nil
                case .escapedText, .other: return nil
                }
            } else if name.is("metadata") {
                if reader.null() { metadata = nil; continue }
                guard reader.peek() == UInt8(ascii: "{") else { return nil }
                let start = reader.position
                try reader.skipValue()
                metadata = reader.text(from: start)
            } else {
                try reader.skipValue()
            }
        }
        guard let id, let key, let status else { return nil }
        return ListedItemView(id: id, key: key, checksum: checksum, status: status, sourceID: sourceID,
                              nextAction: nextAction, metadata: metadata)
    }
}

/// A fold that takes nothing: every item is decoded.
public struct KeepEveryItem: ListedItemFold {
    public init() {}
    public var showsItems: Bool { false }
    public func consumes(_ item: ListedItemView) -> Bool { false }
    public func consumes(_ item: Item) -> Bool { false }
}

/// The ids of a page's items, in order, as one hash: what `ItemPages` compares
/// to see a server repeat a page, without keeping the ids of items a fold consumed.
struct ItemIDsDigest: Equatable {
    // The standard library's hasher (SipHash, a word at a time): the digest never leaves the
    // process, and folding each id's bytes one multiply at a time was 5% of a full listing.
    private var hasher = Hasher()

    mutating func add(_ id: UnsafeBufferPointer<UInt8>) {
        hasher.combine(bytes: UnsafeRawBufferPointer(id))
        hasher.combine(UInt8(0xFF))  // never in UTF-8 text: ids cannot run into each other
    }

    static func == (lhs: ItemIDsDigest, rhs: ItemIDsDigest) -> Bool {
        lhs.hasher.finalize() == rhs.hasher.finalize()
    }

    mutating func add(_ id: String) {
        var id = id
        id.withUTF8 { add($0) }
    }
}

extension Item.Status {
    /// The status spelled by `bytes`, without a `String` made of them: every listed item and
    /// every state row has one.
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard let status = Self.allCases.first(where: { $0.rawValue.hasSameUTF8(as: bytes) }) else { return nil }
        self = status
    }
}
