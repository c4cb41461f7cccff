import Hashing
/// Writes the state file body (see `StateFileCodec`) straight into bytes: one record per line, in
/// the documented column order. Hand-written because `JSONEncoder` spends most of a 100,000-key
/// save in container bookkeeping; `JSONDecoder` reads the result back.
struct StateFileWriter {
    private(set) var bytes: [UInt8] = []

    static func body(_ state: SyncState, generation: Int = 0) -> [UInt8] {
        var writer = StateFileWriter()
        writer.bytes.reserveCapacity(160 + state.entries.count * 240)
        writer.raw("{\"account\":"); writer.string(state.scope.account)
        writer.raw(",\"namespace\":"); writer.string(state.scope.namespace)
        writer.raw(",\"instance\":"); writer.string(state.scope.instance)
        writer.raw(",\"written_at_ns\":"); writer.optional(state.lastWriteNanoseconds) { $0.integer($1) }
        writer.raw(",\"checksum_kind\":"); writer.string(state.checksumKind.rawValue)
        writer.raw(",\"generation\":"); writer.integer(generation)
        writer.raw(",\"remote_fingerprint\":"); writer.fingerprint(state.remoteFingerprint)

        // Entries in dictionary order: sorting 100,000 string keys would cost more than the rest
        // of the write, and readers do not depend on order.
        writer.table("entry", StateFileCodec.entryColumns, state.entries) { $0.entry($1.key, $1.value) }
        writer.table("pending", StateFileCodec.pendingColumns, state.journal.pending.values.sorted { $0.key < $1.key }) { $0.pending($1) }
        writer.table("terminal", StateFileCodec.terminalColumns, state.journal.terminalFailures.values.sorted { $0.key < $1.key }) {
            $0.terminal($1)
        }
        writer.raw("}\n")
        return writer.bytes
    }

    /// One journal record (see `StateJournal`): the current rows of `keys` (a key without an entry,
    /// operation or failure is listed as removed from that table), the checksum kind and the write
    /// time. Its size grows with the keys changed, never with the table.
    static func journalRecord(_ state: SyncState, keys: some Collection<ItemKey>, writtenAt: Int64,
                              includingFingerprint: Bool = false) -> [UInt8] {
        var writer = StateFileWriter()
        writer.bytes.reserveCapacity(96 + keys.count * 260)
        writer.raw("{\"written_at_ns\":"); writer.integer(writtenAt)
        writer.raw(",\"checksum_kind\":"); writer.string(state.checksumKind.rawValue)
        if includingFingerprint { writer.raw(",\"remote_fingerprint\":"); writer.fingerprint(state.remoteFingerprint) }
        writer.table("entry", StateFileCodec.entryColumns, keys.compactMap { key in state.entries[key].map { (key: key, value: $0) } }) {
            $0.entry($1.key, $1.value)
        }
        writer.keyList("removed", keys.filter { state.entries[$0] == nil })
        writer.table("pending", StateFileCodec.pendingColumns, keys.compactMap { state.journal.pending[$0] }) { $0.pending($1) }
        writer.keyList("pending_removed", keys.filter { state.journal.pending[$0] == nil })
        writer.table("terminal", StateFileCodec.terminalColumns, keys.compactMap { state.journal.terminalFailures[$0] }) { $0.terminal($1) }
        writer.keyList("terminal_removed", keys.filter { state.journal.terminalFailures[$0] == nil })
        writer.raw("}")
        return writer.bytes
    }

    /// `{"total":N,"newest_sha256":"…","full_at_ns":T}` (total and digest null without evidence), or null.
    private mutating func fingerprint(_ fingerprint: RemoteFingerprint?) {
        guard let fingerprint else { return raw("null") }
        raw("{\"total\":"); optional(fingerprint.evidence?.totalCount) { $0.integer($1) }
        raw(",\"newest_sha256\":"); optional(fingerprint.evidence?.newestDigest) { $0.digest($1) }
        raw(",\"full_at_ns\":"); integer(fingerprint.fullComparisonAtNanoseconds)
        raw("}")
    }

    private mutating func keyList(_ name: StaticString, _ keys: [ItemKey]) {
        raw(",\""); raw(name); raw("\":[")
        for (index, key) in keys.enumerated() {
            if index > 0 { comma() }
            string(key.rawValue)
        }
        raw("]")
    }

    private mutating func pending(_ operation: PendingOperation) {
        string(operation.key.rawValue); comma()
        string(operation.kind.rawValue); comma()
        optional(operation.contentSHA256) { $0.digest($1) }; comma()
        optional(operation.itemID) { $0.string($1) }; comma()
        integer(operation.attempts); comma()
        integer(operation.nextAttemptNanoseconds); comma()
        optional(operation.lastError) { $0.string($1) }
    }

    private mutating func terminal(_ failure: TerminalFailure) {
        string(failure.key.rawValue); comma()
        string(failure.kind.rawValue); comma()
        optional(failure.contentSHA256) { $0.digest($1) }; comma()
        optional(failure.httpStatus) { $0.integer($1) }; comma()
        string(failure.message); comma()
        integer(failure.recordedAtNanoseconds)
    }

    private mutating func entry(_ key: ItemKey, _ entry: StateEntry) {
        string(key.rawValue); comma()
        string(PathEscaping.escape(entry.path)); comma()
        if let identity = entry.identity {
            integer(identity.device); comma()
            integer(identity.inode); comma()
            integer(identity.size); comma()
            integer(identity.modificationTimeNanoseconds); comma()
            integer(identity.changeTimeNanoseconds); comma()
        } else {
            raw("null,null,null,null,null,")
        }
        optional(entry.sha256) { $0.digest($1) }; comma()
        if let remote = entry.remote {
            string(remote.itemID); comma()
            string(remote.checksum); comma()
            string(remote.status.rawValue); comma()
            // Null: the item holds the local content, the common case.
            optional(remote.contentSHA256 == entry.sha256 ? nil : remote.contentSHA256) { $0.digest($1) }; comma()
            integer(remote.reindexAttempts)
        } else {
            raw("null,null,null,null,0")
        }
    }

    /// `,"<name>_columns":[...],"<name>s"…` — the column names, then one array per row and line.
    /// (`entry` → `entries`; the others are already plural.)
    private mutating func table<Rows: Sequence>(_ name: String, _ columns: [String], _ rows: Rows,
                                                 _ writeRow: (inout StateFileWriter, Rows.Element) -> Void) {
        raw(",\n\""); raw(name); raw("_columns\":[")
        for (index, column) in columns.enumerated() {
            if index > 0 { comma() }
            string(column)
        }
        raw("],\n\""); raw(name == "entry" ? "entries" : name); raw("\":[")
        var first = true
        for row in rows {
            raw(first ? "\n[" : ",\n[")
            first = false
            writeRow(&self, row)
            raw("]")
        }
        raw("]")
    }

    private mutating func comma() { bytes.append(UInt8(ascii: ",")) }

    private mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Decimal digits, without the `String` allocation `String(value)` costs per number.
    private mutating func integer(_ value: some BinaryInteger) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = UInt64(value.magnitude)
        guard magnitude > 0 else { bytes.append(UInt8(ascii: "0")); return }
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    /// A digest as a JSON string of lowercase hex.
    private mutating func digest(_ digest: SHA256Digest) {
        bytes.append(UInt8(ascii: "\""))
        for byte in digest.bytes {
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func optional<T>(_ value: T?, _ write: (inout StateFileWriter, T) -> Void) {
        if let value { write(&self, value) } else { raw("null") }
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\u00XX`, everything else as is.
    private mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case 0x0A: raw("\\n")
            case 0x00..<0x20:
                raw("\\u00")
                bytes.append(contentsOf: hexString([byte]).utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
