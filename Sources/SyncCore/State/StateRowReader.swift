import AISearchAPI
import Hashing
import LinuxSystem

/// Reads a state file body's `entries` table straight from the file's bytes into the state's
/// table, and hands the rest of the body (a few hundred bytes) to `JSONDecoder`.
///
/// The table is nearly the whole file, and Foundation's decoder first builds a tree of the whole
/// document, then the `[EntryRow]` array, then the table: at 20,000 keys that was 28 MiB of heap
/// for a 6 MB file, the agent's peak. This reader builds each `StateEntry` as it reaches its row
/// and keeps nothing else. Rows must have exactly the writer's columns; other members of the
/// body are passed over with full JSON syntax and decoded by `JSONDecoder`.
enum StateRowReader {
    /// Splits a body into its entries, read into a table, and the same object without them (its
    /// `entries` value replaced by `[]`), for `JSONDecoder`.
    static func split(body: ArraySlice<UInt8>) throws(StateFileProblem) -> (rest: [UInt8], entries: StateTable) {
        let result: Result<([UInt8], StateTable), StateFileProblem> = body.withUnsafeBufferPointer { buffer in
            Result { () throws(StateFileProblem) in try split(body: buffer, rows: nil, release: { _ in }) }
        }
        return try result.get()
    }

    /// `rows`: how many rows to make room for (nil: counted from the body's lines). `release` is
    /// told, now and then, the offset before which the reader will not look again (a mapped
    /// file hands those pages back).
    static func split(body: UnsafeBufferPointer<UInt8>, rows: Int?,
                      release: (Int) -> Void) throws(StateFileProblem) -> (rest: [UInt8], entries: StateTable) {
        var reader = JSONByteReader(body)
        do throws(JSONByteReader.Failure) {
            return try splitObject(&reader, rows: rows ?? reader.occurrences(of: UInt8(ascii: "\n")) + 1, release: release)
        } catch {
            throw .corrupt("\(error.message) at byte \(error.offset) of the body")
        }
    }

    private static func splitObject(_ reader: inout JSONByteReader, rows: Int,
                                    release: (Int) -> Void) throws(JSONByteReader.Failure) -> ([UInt8], StateTable) {
        var rest: [UInt8] = [UInt8(ascii: "{")]
        var entries = StateTable()
        try reader.beginObject()
        var first = true
        while true {
            reader.skipWhitespace()
            let keyStart = reader.position
            guard let name = try reader.nextKey(first: first) else { break }
            first = false
            if name == "entries" {
                entries = try entryTable(&reader, rows: rows, release: release)
            } else {
                // `nextKey` consumed a separating comma before the key: start after it.
                try reader.skipValue()
                let member = Array(reader.text(from: keyStart)).drop { $0 != UInt8(ascii: "\"") }
                if rest.count > 1 { rest.append(UInt8(ascii: ",")) }
                rest.append(contentsOf: member)
            }
        }
        try reader.expectEnd()
        if rest.count > 1 { rest.append(UInt8(ascii: ",")) }
        rest.append(contentsOf: Array("\"entries\":[]}".utf8))
        return (rest, entries)
    }

    private static func entryTable(_ reader: inout JSONByteReader, rows: Int,
                                   release: (Int) -> Void) throws(JSONByteReader.Failure) -> StateTable {
        var table = StateTable()
        // One row per line (the writer's layout; a file without it only reads slower): sized
        // once, instead of doubling through the load.
        table.reserveCapacity(rows)
        try reader.beginArray()
        var first = true
        while try reader.nextElement(first: first) {
            first = false
            try entryRow(&reader, into: &table)
            if table.count % 4096 == 0 { release(reader.position) }
        }
        return table
    }

    /// One row in `StateFileCodec.entryColumns` order. Digests, ids, checksums and paths are read
    /// from the row's bytes in place: making a `String` of each only to parse it was half the
    /// load's CPU at 100,000 rows.
    /// The key and path go into the table as the bytes they are in the file (no `String` or array
    /// made of each: a third of the load's CPU at 100,000 rows), unless the path has escapes.
    private static func entryRow(_ reader: inout JSONByteReader, into table: inout StateTable) throws(JSONByteReader.Failure) {
        try reader.beginArray()
        guard let keyText = try reader.optionalStringBytes(), keyText.withBytes({ $0.isValidUTF8 }) else {
            throw reader.failure("a key that is not a UTF-8 string")
        }
        let key = { ItemKey(keyText.withBytes { String(decoding: $0, as: UTF8.self) }) }
        try comma(&reader)
        guard let pathText = try reader.optionalStringBytes(), pathText.withBytes({ $0.isValidUTF8 }) else {
            throw reader.failure("bad path escape in \(key())")
        }
        // A path with an escape (`PathEscaping`) or a NUL is read the slow way.
        let escapedPath = pathText.withBytes { $0.contains(UInt8(ascii: "%")) || $0.contains(0) }
        var unescapedPath: FilePathBytes?
        if escapedPath {
            guard let path = pathText.withBytes({ PathEscaping.unescape(bytes: $0) }) else { throw reader.failure("bad path escape in \(key())") }
            unescapedPath = path
        }
        try comma(&reader)
        let device: UInt64? = try reader.optionalInteger(); try comma(&reader)
        let inode: UInt64? = try reader.optionalInteger(); try comma(&reader)
        let size: Int64? = try reader.optionalInteger(); try comma(&reader)
        let modified: Int64? = try reader.optionalInteger(); try comma(&reader)
        let changed: Int64? = try reader.optionalInteger(); try comma(&reader)
        let sha256 = try optionalDigest(&reader, key()); try comma(&reader)
        let itemID = try reader.optionalStringBytes(); try comma(&reader)
        let checksum = try reader.optionalStringBytes(); try comma(&reader)
        let statusText = try reader.optionalStringBytes(); try comma(&reader)
        let remoteDigest = try optionalDigest(&reader, key()); try comma(&reader)
        let attempts: Int = try reader.integer()
        try reader.expect(UInt8(ascii: "]"))
        var identity: FileIdentity?
        if let device, let inode, let size, let modified, let changed {
            identity = FileIdentity(device: device, inode: inode, size: size,
                                    modificationTimeNanoseconds: modified, changeTimeNanoseconds: changed)
        }
        var remote: RemoteRecord?
        if let itemID {
            guard let checksum, let statusText, let content = remoteDigest ?? sha256,
                  let status = statusText.withBytes({ Item.Status(utf8: $0) }),
                  let id = itemID.withBytes({ CompactItemID(utf8: $0) }) else {
                throw reader.failure("incomplete remote record for \(key())")
            }
            // A checksum that is the content's SHA-256 in hex is not kept (`RemoteRecord.storedChecksum`).
            let storedChecksum: String?? = checksum.withBytes { bytes in
                content.isHex(bytes: bytes) ? .some(nil) : String(validUTF8: bytes).map { .some($0) }
            }
            guard let storedChecksum else { throw reader.failure("a checksum that is not UTF-8 for \(key())") }
            remote = RemoteRecord(storedID: id, storedChecksum: storedChecksum, status: status, contentSHA256: content,
                                  storedAttempts: UInt32(clamping: attempts))
        }
        let entry = StateEntry(path: FilePathBytes([]), identity: identity, sha256: sha256, remote: remote)
        keyText.withBytes { keyBytes in
            if let unescapedPath {
                unescapedPath.bytes.withUnsafeBufferPointer { table.set(keyBytes: keyBytes, pathBytes: $0, entry: entry) }
            } else {
                pathText.withBytes { table.set(keyBytes: keyBytes, pathBytes: $0, entry: entry) }
            }
        }
    }

    private static func comma(_ reader: inout JSONByteReader) throws(JSONByteReader.Failure) { try reader.expect(UInt8(ascii: ",")) }

    private static func optionalDigest(_ reader: inout JSONByteReader, _ key: @autoclosure () -> ItemKey) throws(JSONByteReader.Failure) -> SHA256Digest? {
        guard let text = try reader.optionalStringBytes() else { return nil }
        guard let digest = text.withBytes({ SHA256Digest(hexBytes: $0) }) else { throw reader.failure("bad SHA-256 for \(key())") }
        return digest
    }
}
