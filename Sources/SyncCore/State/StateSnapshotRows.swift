import Hashing
import LinuxSystem

/// The entries table of a version-3 state file (`StateFileCodec`), in binary: read at every start,
/// so it is laid out to be read without parsing. At 100,000 rows the JSON table of versions 1
/// and 2 took a sixth of a full comparison's CPU to read (hex digests, decimal numbers, quoted
/// keys); this is read at the speed of copying it into the table.
///
/// All integers little-endian. Each row:
///
///     u8  flags (PackedEntry.RowFlags): 1 identity, 2 sha256, 4 item, 8 separate path,
///         16 text item id, 32 checksum, 64 item content digest
///     u32 key length, the key's bytes
///     u32 path length, then the path's bytes if flag 8; else the path is the key's last bytes
///     identity (flag 1): u64 device, u64 inode, i64 size, i64 mtime ns, i64 ctime ns
///     sha256 (flag 2): 32 bytes
///     item (flag 4): u8 status code (PackedEntry.statusCodes), u32 re-index attempts,
///         the id: u32 length and UTF-8 (flag 16) or 16 bytes (a UUID's two u64 halves),
///         the checksum (flag 32): u32 length and UTF-8 (else it is the content's SHA-256 in hex),
///         the item's content digest (flag 64): 32 bytes (else it is the row's sha256)
enum StateSnapshotRows {
    static func write(_ table: StateTable, to output: inout SnapshotOutput) {
        table.forEachPackedRow { key, path, entry, extra in
            let separatePath = !(path.count <= key.count && UnsafeBufferPointer(rebasing: key[(key.count - path.count)...]).hasSameBytes(as: path))
            var flags = entry.rowFlags(extra: extra)
            if separatePath { flags.insert(.separatePath) }
            output.byte(flags.rawValue)
            output.length(key.count)
            output.bytes(key)
            output.length(path.count)
            if separatePath { output.bytes(path) }
            entry.writeFields(extra: extra, to: &output)
        }
    }

    /// Reads `rows` rows, the whole of `bytes`. `release(offset)`: the reader will not look
    /// before `offset` again.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, rows: Int, release: (Int) -> Void) throws(StateFileProblem) -> StateTable {
        var table = StateTable()
        // A row takes at least 9 bytes (flags and two lengths): a count the bytes cannot hold is
        // found out by reading, not by reserving room for it first.
        table.reserveCapacity(min(rows, bytes.count / 9))
        var input = SnapshotInput(bytes)
        for row in 0..<rows {
            let flags = PackedEntry.RowFlags(rawValue: try input.byte())
            guard flags.rawValue < 128 else { throw .corrupt("unknown row flags \(flags.rawValue) in row \(row)") }
            let key = try input.span(Int(try input.length()))
            let pathLength = Int(try input.length())
            let path: UnsafeBufferPointer<UInt8>
            if flags.contains(.separatePath) {
                path = try input.span(pathLength)
            } else {
                guard pathLength <= key.count else { throw .corrupt("a path longer than its key in row \(row)") }
                path = UnsafeBufferPointer(rebasing: key[(key.count - pathLength)...])
            }
            guard key.isValidUTF8, !path.contains(0) else { throw .corrupt("a key that is not UTF-8 or a path with a NUL in row \(row)") }
            let (entry, extra) = try PackedEntry.readFields(flags, from: &input)
            guard table.appendPacked(keyBytes: key, pathBytes: path, entry: entry, extra: extra) else {
                throw .corrupt("key \(String(decoding: key, as: UTF8.self)) twice")
            }
            if row % 4096 == 4095 { release(input.position) }
        }
        guard input.position == bytes.count else { throw .corrupt("\(bytes.count - input.position) bytes after the last row") }
        return table
    }
}

/// Bytes being written in the snapshot's binary layout.
struct SnapshotOutput {
    var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func word(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }

    /// A length or count, as a u32.
    mutating func length(_ value: Int) {
        withUnsafeBytes(of: UInt32(value).littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func bytes(_ value: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: value) }

    /// Its u32 length, then its UTF-8.
    mutating func text(_ value: String) {
        length(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    /// The digest's 32 bytes, in order.
    mutating func digest(_ value: SHA256Digest) {
        let (w0, w1, w2, w3) = value.words
        for word in [w0, w1, w2, w3] { withUnsafeBytes(of: word.bigEndian) { bytes.append(contentsOf: $0) } }
    }
}

/// Reads the snapshot's binary layout; running past the end is a corrupt file, never a crash.
struct SnapshotInput {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private mutating func advance(_ count: Int) throws(StateFileProblem) -> Int {
        guard count >= 0, bytes.count - position >= count else { throw .corrupt("a row runs past the end of the table") }
        defer { position += count }
        return position
    }

    mutating func byte() throws(StateFileProblem) -> UInt8 { bytes[try advance(1)] }

    mutating func word() throws(StateFileProblem) -> UInt64 {
        let start = try advance(8)
        return UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress!).loadUnaligned(fromByteOffset: start, as: UInt64.self))
    }

    mutating func length() throws(StateFileProblem) -> UInt32 {
        let start = try advance(4)
        return UInt32(littleEndian: UnsafeRawPointer(bytes.baseAddress!).loadUnaligned(fromByteOffset: start, as: UInt32.self))
    }

    /// The next `count` bytes, in place.
    mutating func span(_ count: Int) throws(StateFileProblem) -> UnsafeBufferPointer<UInt8> {
        let start = try advance(count)
        return UnsafeBufferPointer(rebasing: bytes[start..<start + count])
    }

    /// A u32 length and that many bytes of UTF-8.
    mutating func text() throws(StateFileProblem) -> String {
        let span = try span(Int(try length()))
        guard let text = String(validUTF8: span) else { throw .corrupt("text that is not UTF-8") }
        return text
    }

    mutating func digest() throws(StateFileProblem) -> SHA256Digest {
        let start = try advance(32)
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        func word(_ index: Int) -> UInt64 { UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: start + index * 8, as: UInt64.self)) }
        return SHA256Digest(words: (word(0), word(1), word(2), word(3)))
    }
}
