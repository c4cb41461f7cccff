import AISearchAPI
import Hashing
import LinuxSystem

/// A `StateEntry` as a `StateTable` row stores it: fixed-size fields, its optional parts told by
/// flags instead of optional wrappers, a UUID item id in two words, and the content digest of its
/// item not stored when it is the file's own (the usual case: the file was uploaded as it is).
/// The rare parts that do not fit (an id that is no UUID, a checksum that is not the content's
/// SHA-256 in hex, an item holding other content than the file) go to the table's `extras`.
///
/// 104 bytes where a `StateEntry` takes 184 (optional wrappers pad each part to 8 bytes, an id is
/// an enum holding a string, a checksum an optional string): 8 MB less at 100,000 rows.
struct PackedEntry: Sendable {
    private var device: UInt64 = 0
    private var inode: UInt64 = 0
    private var size: Int64 = 0
    private var modified: Int64 = 0
    private var changed: Int64 = 0
    private var sha256 = PackedEntry.zeroDigest
    private var idHigh: UInt64 = 0
    private var idLow: UInt64 = 0
    private var attempts: UInt32 = 0
    /// 1 + the position of this row's `Extra` in the table's extras, or 0.
    private(set) var extra: UInt32 = 0
    private var status: UInt8 = 0
    private var flags: Flags = []

    private struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        static let identity = Flags(rawValue: 1)
        static let sha256 = Flags(rawValue: 2)
        static let remote = Flags(rawValue: 4)
    }

    /// What a row keeps outside its fixed fields.
    struct Extra: Sendable {
        /// An id that is no UUID.
        var textID: String?
        /// A checksum that is not the content's SHA-256 in hex.
        var checksum: String?
        /// The item's content, when it is not the file's recorded SHA-256.
        var contentSHA256: SHA256Digest?
    }

    private static let zeroDigest = SHA256Digest(bytes: [UInt8](repeating: 0, count: 32))
    private static let statuses = Item.Status.allCases

    /// Packs `entry` (its path is the table's business); `extra` is what must be kept beside it.
    init(_ entry: StateEntry) {
        if let identity = entry.identity {
            flags.insert(.identity)
            device = identity.device
            inode = identity.inode
            size = identity.size
            modified = identity.modificationTimeNanoseconds
            changed = identity.changeTimeNanoseconds
        }
        if let digest = entry.sha256 {
            flags.insert(.sha256)
            sha256 = digest
        }
        guard let remote = entry.remote else { return }
        flags.insert(.remote)
        status = UInt8(Self.statuses.firstIndex(of: remote.status)!)
        attempts = remote.storedAttempts
        if case .uuid(let high, let low) = remote.storedID {
            idHigh = high
            idLow = low
        }
    }

    /// The entry records its file's content (identity and SHA-256).
    var recordsContent: Bool { flags.contains(.identity) && flags.contains(.sha256) }
    /// The entry records an item.
    var recordsItem: Bool { flags.contains(.remote) }

    /// What `entry` needs kept outside the fixed fields, or nil.
    static func extra(of entry: StateEntry) -> Extra? {
        guard let remote = entry.remote else { return nil }
        var extra = Extra()
        if case .text(let text) = remote.storedID { extra.textID = text }
        extra.checksum = remote.storedChecksum
        if remote.contentSHA256 != entry.sha256 { extra.contentSHA256 = remote.contentSHA256 }
        return extra.textID == nil && extra.checksum == nil && extra.contentSHA256 == nil ? nil : extra
    }

    mutating func setExtra(position: Int?) {
        extra = position.map { UInt32($0 + 1) } ?? 0
    }

    /// The entry's remote record alone (what `unpacked(extra:).remote` is), for the questions
    /// asked of every listed item.
    func remote(extra: Extra?) -> RemoteRecord? {
        guard flags.contains(.remote) else { return nil }
        let id: CompactItemID = extra?.textID.map { .text($0) } ?? .uuid(idHigh, idLow)
        return RemoteRecord(storedID: id, storedChecksum: extra?.checksum, status: Self.statuses[Int(status)],
                            contentSHA256: extra?.contentSHA256 ?? sha256, storedAttempts: attempts)
    }

    /// The entry back, with an empty path; `extra` is the row's `Extra`, if it has one.
    func unpacked(extra: Extra?) -> StateEntry {
        var entry = StateEntry(path: FilePathBytes([]))
        if flags.contains(.identity) {
            entry.identity = FileIdentity(device: device, inode: inode, size: size,
                                          modificationTimeNanoseconds: modified, changeTimeNanoseconds: changed)
        }
        if flags.contains(.sha256) { entry.sha256 = sha256 }
        // Without an extra content digest the item holds the file's own SHA-256, which a record
        // always has then (`extra(of:)` keeps it otherwise).
        entry.remote = remote(extra: extra)
        return entry
    }
}
