import Foundation
import AISearchAPI
import Hashing
import LinuxSystem
@testable import SyncCore

let testScope = StateScope(account: "0123abcd", namespace: "default", instance: "docs")

func digest(_ seed: Int) -> SHA256Digest {
    var bytes = [UInt8](repeating: 0, count: 32)
    withUnsafeBytes(of: UInt64(truncatingIfNeeded: seed).littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
    bytes[31] = 0xA5
    return SHA256Digest(bytes: bytes)
}

func status(size: Int64 = 10, mtime: Int64 = 1_000_000_000_000, ctime: Int64? = nil, inode: UInt64 = 7) -> FileStatus {
    FileStatus(kind: .regular, device: 2049, inode: inode, size: size,
               modificationTimeNanoseconds: mtime, changeTimeNanoseconds: ctime ?? mtime, mode: 0o100644)
}

/// A state with `count` varied entries: some never hashed, some with a remote record holding other
/// content, one with a non-UTF-8 path and one with a `%` in it, plus journal rows.
func sampleState(count: Int) -> SyncState {
    var state = SyncState(scope: testScope, checksumKind: .md5)
    for index in 0..<count {
        let key = ItemKey("docs/dir\(index % 97)/file-\(index).md")
        var path = FilePathBytes("dir\(index % 97)/file-\(index).md")
        if index == 1 { path = FilePathBytes([0x66, 0xFF, 0x25, 0x2E, 0x6D, 0x64]) }
        if index == 2 { path = "100%.md" }
        var entry = StateEntry(path: path)
        if index % 10 != 3 {
            entry.identity = FileIdentity(status(size: Int64(index), mtime: 1_700_000_000_000_000_000 + Int64(index), inode: UInt64(index) + 1 << 40))
            entry.sha256 = digest(index)
        }
        if index % 4 != 0 {
            let content = index % 8 == 1 ? digest(index + 1) : (entry.sha256 ?? digest(-index))
            // Most rows as the server writes them (a UUID id, the content's SHA-256 as checksum,
            // which a row packs), the rest with a text id and a checksum of another kind.
            let common = index % 6 != 5
            let itemID = common ? String(format: "%08x-0000-4000-8000-%012x", index, index * 7) : "item-\(index)"
            let statuses: [Item.Status] = [.queued, .running, .completed, .skipped, .outdated]
            entry.remote = RemoteRecord(itemID: itemID, checksum: common ? content.hex : "chk-\(index)",
                                        status: index % 5 == 0 ? .error : statuses[index % 7 % statuses.count],
                                        contentSHA256: content, reindexAttempts: index % 3)
        }
        state.entries[key] = entry
    }
    state.journal.enqueue(PendingOperation(key: "docs/a.md", kind: .upload, contentSHA256: digest(1), attempts: 2,
                                           nextAttemptNanoseconds: 55, lastError: "HTTP 503 \"busy\"\nretry"))
    state.journal.enqueue(PendingOperation(key: "docs/b.md", kind: .delete, itemID: "item-b"))
    state.journal.recordTerminalFailure(TerminalFailure(key: "docs/c.md", kind: .upload, contentSHA256: digest(3), httpStatus: 413,
                                                        message: "too large", recordedAtNanoseconds: 99))
    return state
}

// Test-only convenience; remove if `ItemKey` itself becomes string-literal expressible.
extension ItemKey: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(value) }
}

extension StateFileCodec {
    /// The state as a version-2 file (all JSON), as earlier releases wrote it: for tests of
    /// reading one.
    static func encodeVersion2(_ state: SyncState, generation: Int = 0) -> [UInt8] {
        let body = StateFileWriter.body(state, generation: generation)
        let header = "{\"format\":\"\(formatName)\",\"version\":2,"
            + "\"body_bytes\":\(body.count),\"body_fnv1a64\":\"\(fnv1a64Hex(body))\"}\n"
        return Array(header.utf8) + body
    }

    /// FNV-1a, 64 bits, as 16 lowercase hex digits: the checksum of a version-2 body.
    static func fnv1a64Hex(_ bytes: some Collection<UInt8>) -> String {
        var hash = FNV1a64()
        hash.fold(bytes)
        return hash.hex
    }
}
