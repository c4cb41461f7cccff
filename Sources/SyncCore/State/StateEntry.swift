import AISearchAPI
import Hashing
import LinuxSystem

/// What the agent knows of one key: the local file as last hashed, and the remote item as last
/// seen. The two halves change independently: a local edit updates `identity`/`sha256` at once,
/// while `remote` keeps describing what the server holds until an upload replaces it.
public struct StateEntry: Hashable, Sendable {
    /// The file's path below the root, raw bytes.
    public var path: FilePathBytes
    /// The file's `lstat` identity when `sha256` was computed; nil when never hashed.
    public var identity: FileIdentity?
    /// SHA-256 of the local file at `identity`.
    public var sha256: SHA256Digest?
    /// The remote item, as last seen or written by this agent; nil when the key has no item.
    public var remote: RemoteRecord?

    public init(path: FilePathBytes, identity: FileIdentity? = nil, sha256: SHA256Digest? = nil, remote: RemoteRecord? = nil) {
        self.path = path
        self.identity = identity
        self.sha256 = sha256
        self.remote = remote
    }
}

/// The remote item of a key as this agent recorded it: its id, the `checksum` and `status` the
/// server reported, and the SHA-256 of the content the item holds (ours, because we uploaded it,
/// adopted it on proof, or verified it by download). While the server reports the same checksum
/// for the same id, the item still holds `contentSHA256`.
///
/// Kept compact, one per tracked file: a UUID id in 16 bytes, and a checksum that is the content's
/// SHA-256 in hex (what an instance checksumming with SHA-256 reports) not stored twice. Other ids
/// and checksums are kept as text.
public struct RemoteRecord: Hashable, Sendable {
    let storedID: CompactItemID
    /// nil: the checksum is `contentSHA256.hex`.
    let storedChecksum: String?
    public var status: Item.Status
    public let contentSHA256: SHA256Digest
    private(set) var storedAttempts: UInt32

    public var itemID: String { storedID.text }
    public var checksum: String { storedChecksum ?? contentSHA256.hex }
    /// `PATCH items/{id}` re-index requests sent for this content; reset when the content changes.
    public var reindexAttempts: Int {
        get { Int(storedAttempts) }
        set { storedAttempts = UInt32(clamping: newValue) }
    }

    public init(itemID: String, checksum: String, status: Item.Status, contentSHA256: SHA256Digest, reindexAttempts: Int = 0) {
        storedID = CompactItemID(itemID)
        storedChecksum = contentSHA256.isHex(checksum) ? nil : checksum
        self.status = status
        self.contentSHA256 = contentSHA256
        storedAttempts = UInt32(clamping: reindexAttempts)
    }

    /// A record from its stored parts (`PackedEntry` unpacking one).
    init(storedID: CompactItemID, storedChecksum: String?, status: Item.Status, contentSHA256: SHA256Digest, storedAttempts: UInt32) {
        self.storedID = storedID
        self.storedChecksum = storedChecksum
        self.status = status
        self.contentSHA256 = contentSHA256
        self.storedAttempts = storedAttempts
    }

    /// Whether a checksum is recorded (one that is not blank once compared), without spelling it out.
    public var hasChecksum: Bool { storedChecksum.map { !normalizedChecksum($0).isEmpty } ?? true }

    /// Whether an item of this record that holds `content` needs nothing done: it is healthy (not
    /// `error` nor `outdated`, which a re-index may cure), its checksum is recorded, and it holds
    /// exactly `content`. What both the planner and the scan's settling call "unchanged".
    public func needsNothing(holding content: SHA256Digest?) -> Bool {
        status != .error && status != .outdated && hasChecksum && content == contentSHA256
    }

    /// Whether the recorded checksum, normalized (`normalizedChecksum`), is `checksum`, which the
    /// caller normalized: without spelling out a checksum that is the content's SHA-256.
    func hasNormalizedChecksum(_ checksum: String) -> Bool {
        guard let storedChecksum else { return contentSHA256.isHex(checksum) }
        return normalizedChecksum(storedChecksum) == checksum
    }

    /// `hasNormalizedChecksum` of a checksum's bytes that need no normalizing.
    func hasNormalizedChecksum(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let storedChecksum else { return contentSHA256.isHex(bytes: bytes) }
        return normalizedChecksum(storedChecksum).hasSameUTF8(as: bytes)
    }

    /// `hasItemID` of an id's UTF-8.
    func hasItemID(bytes: UnsafeBufferPointer<UInt8>) -> Bool { CompactItemID(utf8: bytes) == storedID }

    /// Whether the recorded id is `id`, without spelling the recorded one out.
    public func hasItemID(_ id: String) -> Bool { storedID == CompactItemID(id) }
}

/// An item id: the lowercase 8-4-4-4-12 UUID the API gives in two words, anything else as text.
/// One spelling maps to one value, so equal ids compare equal.
enum CompactItemID: Hashable, Sendable {
    case uuid(UInt64, UInt64)
    case text(String)

    init(_ text: String) {
        var text = text
        self = text.withUTF8 { Self.uuid(in: $0) } ?? .text(text)
    }

    /// The id spelled by `bytes`; nil when they are not UTF-8.
    init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        if let uuid = Self.uuid(in: bytes) {
            self = uuid
        } else if let text = String(validUTF8: bytes) {
            self = .text(text)
        } else {
            return nil
        }
    }

    /// The two words of a lowercase 8-4-4-4-12 UUID, or nil. Run for every listed item and
    /// every state row, so the dashes are checked first and the digits read through a table.
    private static func uuid(in bytes: UnsafeBufferPointer<UInt8>) -> CompactItemID? {
        guard bytes.count == 36, bytes[8] == UInt8(ascii: "-"), bytes[13] == UInt8(ascii: "-"),
              bytes[18] == UInt8(ascii: "-"), bytes[23] == UInt8(ascii: "-") else { return nil }
        var words: (high: UInt64, low: UInt64) = (0, 0)
        var invalid: UInt8 = 0
        // The table is fetched once: read through its global accessor per digit, it was a lazy
        // initialisation check and an array bounds check per byte.
        lowercaseHexValues.withUnsafeBufferPointer { table in
            for index in 0..<36 where index != 8 && index != 13 && index != 18 && index != 23 {
                let value = table[Int(bytes[index])]
                invalid |= value
                if index < 19 { words.high = words.high << 4 | UInt64(value & 0xF) } else { words.low = words.low << 4 | UInt64(value & 0xF) }
            }
        }
        return invalid & 0x80 == 0 ? .uuid(words.high, words.low) : nil
    }

    /// A byte's value as a lowercase hex digit, or 0x80 when it is none.
    private static let lowercaseHexValues: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(byte) - UInt8(ascii: "a") + 10
        default: 0x80
        }
    }

    var text: String {
        switch self {
        case .text(let text): return text
        case .uuid(let high, let low):
            return String(unsafeUninitializedCapacity: 36) { buffer in
                let digits: StaticString = "0123456789abcdef"
                var position = 0
                for (wordIndex, word) in [high, low].enumerated() {
                    for nibble in 0..<16 {
                        let index = wordIndex * 16 + nibble
                        if index == 8 || index == 12 || index == 16 || index == 20 {
                            buffer[position] = UInt8(ascii: "-")
                            position += 1
                        }
                        buffer[position] = digits.utf8Start[Int((word >> UInt64(60 - nibble * 4)) & 0xF)]
                        position += 1
                    }
                }
                return 36
            }
        }
    }
}
