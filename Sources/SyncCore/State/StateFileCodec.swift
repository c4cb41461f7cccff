import AISearchAPI
import Foundation
import Hashing
import LinuxSystem

/// The state file format. Versions 1 and 2 (read, no longer written):
///
///     {"format":"aisearch-sync-state","version":2,"body_bytes":N,"body_fnv1a64":"<16 hex>"}\n
///     <N bytes of JSON body>
///
/// Version 3 (written):
///
///     {"format":"aisearch-sync-state","version":3,"body_bytes":N,"body_fnv1a64x8":"<16 hex>",
///      "meta_bytes":M,"rows":R}\n
///     <M bytes of JSON body, its entries table empty><N - M bytes: R rows, binary>
///
/// The header line lets a reader tell a foreign, future or truncated file from a corrupt one
/// before parsing the body; the checksum (`FNV1a64` over the body in versions 1 and 2,
/// `FNV1a64Lanes` in 3) catches damage the syntax alone would not. In the JSON body per-key
/// records are arrays in the column order of `entryColumns` (`remote_sha256` null means "same as
/// `sha256`"); version 3 writes the entries table in binary (`StateSnapshotRows`), which is most
/// of the file and was most of the time to read it.
enum StateFileCodec {
    static let formatName = "aisearch-sync-state"
    static let entryColumns = ["key", "path", "dev", "ino", "size", "mtime_ns", "ctime_ns", "sha256",
                               "item_id", "remote_checksum", "remote_status", "remote_sha256", "reindex_attempts"]
    static let pendingColumns = ["key", "kind", "sha256", "item_id", "attempts", "next_attempt_ns", "last_error"]
    static let terminalColumns = ["key", "kind", "sha256", "http_status", "message", "recorded_at_ns"]

    struct Header: Decodable {
        var format: String?
        var version: Int?
        var bodyBytes: Int?
        var bodyFNV1a64: String?
        var bodyFNV1a64Lanes: String?
        var metaBytes: Int?
        var rows: Int?

        enum CodingKeys: String, CodingKey {
            case format, version, rows
            case bodyBytes = "body_bytes"
            case bodyFNV1a64 = "body_fnv1a64"
            case bodyFNV1a64Lanes = "body_fnv1a64x8"
            case metaBytes = "meta_bytes"
        }
    }

    /// The state as a version-3 file.
    static func encode(_ state: SyncState, generation: Int = 0) -> [UInt8] {
        // The JSON head is the state without its rows (the table is not copied: a new empty one
        // takes its place in the copy); the rows follow in binary.
        var head = state
        head.entries = StateTable()
        var body = SnapshotOutput()
        body.bytes = StateFileWriter.body(head, generation: generation)
        let metaBytes = body.bytes.count
        body.bytes.reserveCapacity(metaBytes + state.entries.count * 128)
        StateSnapshotRows.write(state.entries, to: &body)
        var checksum = FNV1a64Lanes()
        body.bytes.withUnsafeBufferPointer { checksum.fold($0) }
        // Written by hand so the field order is fixed: the magic comes first, always.
        let header = "{\"format\":\"\(formatName)\",\"version\":\(SyncState.formatVersion),"
            + "\"body_bytes\":\(body.bytes.count),\"body_fnv1a64x8\":\"\(checksum.hex)\","
            + "\"meta_bytes\":\(metaBytes),\"rows\":\(state.entries.count)}\n"
        var output = Array(header.utf8)
        output.append(contentsOf: body.bytes)
        return output
    }

    static func decode(_ bytes: [UInt8], expectedScope: StateScope) throws(StateFileProblem) -> SyncState {
        try decodeSnapshot(bytes, expectedScope: expectedScope).state
    }

    /// The state and the generation of the journal that applies on top of it.
    static func decodeSnapshot(_ bytes: [UInt8], expectedScope: StateScope) throws(StateFileProblem) -> (state: SyncState, generation: Int) {
        let result: Result<(state: SyncState, generation: Int), StateFileProblem> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(StateFileProblem) in try decodeSnapshot(buffer, expectedScope: expectedScope, release: { _ in }) }
        }
        return try result.get()
    }

    /// `decodeSnapshot` of a mapped file, handing its pages back as they are read: the file's
    /// bytes never sit in memory whole beside the table built from them.
    static func decodeSnapshot(_ file: MappedFile, expectedScope: StateScope) throws(StateFileProblem) -> (state: SyncState, generation: Int) {
        try file.withBytes { (bytes) throws(StateFileProblem) in
            try decodeSnapshot(bytes, expectedScope: expectedScope, release: file.release(before:), rewind: file.rewind)
        }
    }

    /// `release(offset)`: the bytes before `offset` will not be read again in this pass;
    /// `rewind()`: a second pass starts from the front.
    static func decodeSnapshot(_ bytes: UnsafeBufferPointer<UInt8>, expectedScope: StateScope,
                               release: (Int) -> Void, rewind: () -> Void = {}) throws(StateFileProblem) -> (state: SyncState, generation: Int) {
        let headerLimit = min(bytes.count, 4096)
        guard let newline = bytes[..<headerLimit].firstIndex(of: UInt8(ascii: "\n")) else {
            if bytes.starts(with: Array("{\"format\":\"\(formatName)\"".utf8)) {
                throw .truncated(expectedBytes: 0, foundBytes: 0)
            }
            throw .notAStateFile
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(UnsafeBufferPointer(rebasing: bytes[..<newline]))),
              header.format == formatName else { throw .notAStateFile }
        guard let version = header.version, version >= 1 else { throw .corrupt("the header has no valid version") }
        guard version <= SyncState.formatVersion else {
            throw .futureVersion(found: version, supported: SyncState.formatVersion)
        }
        guard let length = header.bodyBytes, length >= 0 else { throw .corrupt("the header has no body length") }
        let bodyStart = newline + 1
        let body = UnsafeBufferPointer(rebasing: bytes[bodyStart...])
        if body.count < length { throw .truncated(expectedBytes: length, foundBytes: body.count) }
        if body.count > length { throw .corrupt("\(body.count - length) bytes after the body") }
        func releaseInBody(_ offset: Int) { release(bodyStart + offset) }
        let rest: [UInt8]
        let entries: StateTable
        if version >= 3 {
            guard let checksum = header.bodyFNV1a64Lanes, let metaBytes = header.metaBytes, metaBytes >= 0, metaBytes <= length,
                  let rows = header.rows, rows >= 0 else {
                throw .corrupt("the header has no checksum, JSON length or row count")
            }
            var hash = FNV1a64Lanes()
            forEachWindow(of: body, release: { releaseInBody($0) }) { hash.fold($0) }
            guard hash.hex == checksum else { throw .corrupt("body checksum mismatch") }
            rewind()
            rest = Array(body[..<metaBytes])
            entries = try StateSnapshotRows.read(UnsafeBufferPointer(rebasing: body[metaBytes...]), rows: rows,
                                                 release: { releaseInBody(metaBytes + $0) })
        } else {
            guard let checksum = header.bodyFNV1a64 else { throw .corrupt("the header has no body checksum") }
            // One pass for the checksum and the row count (one row per line).
            var hash = FNV1a64()
            var lines = 0
            forEachWindow(of: body, release: { releaseInBody($0) }) { window in
                for byte in window {
                    hash.fold(byte)
                    if byte == UInt8(ascii: "\n") { lines += 1 }
                }
            }
            guard hash.hex == checksum else { throw .corrupt("body checksum mismatch") }
            rewind()
            // The entries table is read by hand, row by row into the state's table (see
            // `StateRowReader`); the few other fields go through JSONDecoder.
            (rest, entries) = try StateRowReader.split(body: body, rows: lines + 1, release: { releaseInBody($0) })
        }
        let decoded: Body
        do {
            decoded = try JSONDecoder().decode(Body.self, from: Data(rest))
        } catch let error as StateFileProblem {
            throw error
        } catch {
            throw .corrupt("the body does not parse: \(oneLine(error))")
        }
        let scope = StateScope(account: decoded.account, namespace: decoded.namespace, instance: decoded.instance)
        guard scope == expectedScope else { throw .foreign(expected: expectedScope, found: scope) }
        return (decoded.state(entries: entries), decoded.generation)
    }

    /// `body` a window of 4 MiB at a time, each released once read.
    private static func forEachWindow(of body: UnsafeBufferPointer<UInt8>, release: (Int) -> Void,
                                      _ read: (UnsafeBufferPointer<UInt8>) -> Void) {
        var offset = 0
        while offset < body.count {
            let end = min(offset + (1 << 22), body.count)
            read(UnsafeBufferPointer(rebasing: body[offset..<end]))
            release(end)
            offset = end
        }
    }

    /// One journal record's payload (its frame's checksum already verified).
    static func decodeJournalRecord(_ payload: ArraySlice<UInt8>) throws(StateFileProblem) -> JournalRecordBody {
        do {
            return try JSONDecoder().decode(JournalRecordBody.self, from: Data(payload))
        } catch let error as StateFileProblem {
            throw error
        } catch {
            throw .corrupt("a journal record does not parse: \(oneLine(error))")
        }
    }

    private static func oneLine(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        if case DecodingError.typeMismatch(_, let context) = error { return context.debugDescription }
        if case DecodingError.valueNotFound(_, let context) = error { return context.debugDescription }
        if case DecodingError.keyNotFound(let key, _) = error { return "missing field \(key.stringValue)" }
        return String(describing: error).split(separator: "\n").first.map(String.init) ?? "unknown error"
    }
}
