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

    /// An entry that records nothing, for a reader to fill in field by field.
    private init() {}

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

extension PackedEntry {
    /// What a snapshot row holds besides its key and path (`StateSnapshotRows` writes the row).
    struct RowFlags: OptionSet, Sendable {
        let rawValue: UInt8
        static let identity = RowFlags(rawValue: 1)
        static let sha256 = RowFlags(rawValue: 2)
        static let remote = RowFlags(rawValue: 4)
        static let separatePath = RowFlags(rawValue: 8)
        static let textID = RowFlags(rawValue: 16)
        static let checksum = RowFlags(rawValue: 32)
        static let contentSHA256 = RowFlags(rawValue: 64)
    }

    /// Item statuses by their code in a snapshot: the order is the format's, fixed for good
    /// (`Item.Status.allCases` may grow in any place).
    static let statusCodes: [Item.Status] = [.queued, .running, .completed, .error, .skipped, .outdated]

    /// The flags of this entry's row (`separatePath` is the caller's).
    func rowFlags(extra: Extra?) -> RowFlags {
        var row: RowFlags = []
        if flags.contains(.identity) { row.insert(.identity) }
        if flags.contains(.sha256) { row.insert(.sha256) }
        guard flags.contains(.remote) else { return row }
        row.insert(.remote)
        if extra?.textID != nil { row.insert(.textID) }
        if extra?.checksum != nil { row.insert(.checksum) }
        if extra?.contentSHA256 != nil { row.insert(.contentSHA256) }
        return row
    }

    /// Appends the fields after a row's key and path, as `rowFlags(extra:)` announces them.
    func writeFields(extra: Extra?, to output: inout SnapshotOutput) {
        if flags.contains(.identity) {
            output.word(device); output.word(inode)
            output.word(UInt64(bitPattern: size)); output.word(UInt64(bitPattern: modified)); output.word(UInt64(bitPattern: changed))
        }
        if flags.contains(.sha256) { output.digest(sha256) }
        guard flags.contains(.remote) else { return }
        output.byte(UInt8(Self.statusCodes.firstIndex(of: Self.statuses[Int(status)])!))
        output.length(Int(attempts))
        if let textID = extra?.textID { output.text(textID) } else { output.word(idHigh); output.word(idLow) }
        if let checksum = extra?.checksum { output.text(checksum) }
        if let content = extra?.contentSHA256 { output.digest(content) }
    }

    /// Reads the fields `writeFields` wrote under `rowFlags`.
    static func readFields(_ rowFlags: RowFlags, from input: inout SnapshotInput) throws(StateFileProblem) -> (PackedEntry, Extra?) {
        var entry = PackedEntry()
        if rowFlags.contains(.identity) {
            entry.flags.insert(.identity)
            entry.device = try input.word(); entry.inode = try input.word()
            entry.size = Int64(bitPattern: try input.word())
            entry.modified = Int64(bitPattern: try input.word())
            entry.changed = Int64(bitPattern: try input.word())
        }
        if rowFlags.contains(.sha256) {
            entry.flags.insert(.sha256)
            entry.sha256 = try input.digest()
        }
        guard rowFlags.contains(.remote) else {
            guard rowFlags.isDisjoint(with: [.textID, .checksum, .contentSHA256]) else { throw .corrupt("item fields in a row without an item") }
            return (entry, nil)
        }
        entry.flags.insert(.remote)
        let code = Int(try input.byte())
        guard code < statusCodes.count else { throw .corrupt("unknown item status code \(code)") }
        entry.status = UInt8(statuses.firstIndex(of: statusCodes[code])!)
        entry.attempts = try input.length()
        var extra = Extra()
        if rowFlags.contains(.textID) { extra.textID = try input.text() } else { entry.idHigh = try input.word(); entry.idLow = try input.word() }
        if rowFlags.contains(.checksum) { extra.checksum = try input.text() }
        if rowFlags.contains(.contentSHA256) { extra.contentSHA256 = try input.digest() }
        // An item holds the file's own content unless it says otherwise: then the row needs its digest.
        guard extra.contentSHA256 != nil || rowFlags.contains(.sha256) else { throw .corrupt("an item row without its content digest") }
        return (entry, extra.textID == nil && extra.checksum == nil && extra.contentSHA256 == nil ? nil : extra)
    }
}
