import AISearchAPI
import Foundation
import Hashing
import LinuxSystem

/// The state file format, version 1:
///
///     {"format":"aisearch-sync-state","version":1,"body_bytes":N,"body_fnv1a64":"<16 hex>"}\n
///     <N bytes of JSON body>
///
/// The header line lets a reader tell a foreign, future or truncated file from a corrupt one
/// before parsing the body; the FNV-1a 64 checksum catches damage JSON syntax alone would not.
/// The body is compact: per-key records are JSON arrays in the column order of `entryColumns`
/// (`remote_sha256` null means "same as `sha256`"), so 100,000 keys stay a few tens of MB and
/// parse in a fraction of a second.
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

        enum CodingKeys: String, CodingKey {
            case format, version
            case bodyBytes = "body_bytes"
            case bodyFNV1a64 = "body_fnv1a64"
        }
    }

    static func encode(_ state: SyncState, generation: Int = 0) -> [UInt8] {
        let body = StateFileWriter.body(state, generation: generation)
        // Written by hand so the field order is fixed: the magic comes first, always.
        let header = "{\"format\":\"\(formatName)\",\"version\":\(SyncState.formatVersion),"
            + "\"body_bytes\":\(body.count),\"body_fnv1a64\":\"\(fnv1a64Hex(body))\"}\n"
        var output = Array(header.utf8)
        output.append(contentsOf: body)
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
        guard let length = header.bodyBytes, length >= 0, let checksum = header.bodyFNV1a64 else {
            throw .corrupt("the header has no body length or checksum")
        }
        let bodyStart = newline + 1
        let body = UnsafeBufferPointer(rebasing: bytes[bodyStart...])
        if body.count < length { throw .truncated(expectedBytes: length, foundBytes: body.count) }
        if body.count > length { throw .corrupt("\(body.count - length) bytes after the body") }
        // One pass for the checksum and the row count (one row per line), a window at a time.
        var hash = FNV1a64()
        var lines = 0
        var offset = 0
        while offset < body.count {
            let end = min(offset + (1 << 22), body.count)
            for byte in UnsafeBufferPointer(rebasing: body[offset..<end]) {
                hash.fold(byte)
                if byte == UInt8(ascii: "\n") { lines += 1 }
            }
            release(bodyStart + end)
            offset = end
        }
        guard hash.hex == checksum else { throw .corrupt("body checksum mismatch") }
        rewind()
        // The entries table is read by hand, row by row into the state's table (see
        // `StateRowReader`); the few other fields go through JSONDecoder.
        let (rest, entries) = try StateRowReader.split(body: body, rows: lines + 1, release: { release(bodyStart + $0) })
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

    /// FNV-1a, 64 bits, as 16 lowercase hex digits.
    static func fnv1a64Hex(_ bytes: some Collection<UInt8>) -> String {
        var hash = FNV1a64()
        hash.fold(bytes)
        return hash.hex
    }

    private static func oneLine(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        if case DecodingError.typeMismatch(_, let context) = error { return context.debugDescription }
        if case DecodingError.valueNotFound(_, let context) = error { return context.debugDescription }
        if case DecodingError.keyNotFound(let key, _) = error { return "missing field \(key.stringValue)" }
        return String(describing: error).split(separator: "\n").first.map(String.init) ?? "unknown error"
    }
}
