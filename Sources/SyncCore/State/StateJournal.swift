import Foundation
import Hashing

/// The state's append-only journal (`state.journal` beside `state.snapshot`): each save appends the
/// rows its changes touched as one record, so an edit costs a few hundred bytes, not the table.
///
/// Layout: a header line `{"format":"aisearch-sync-journal","version":1,"generation":G}\n`, then
/// records, each `<4-byte little-endian length N><8-byte little-endian FNV-1a 64 of the payload>
/// <N bytes of payload>` (a `StateFileWriter.journalRecord` body).
///
/// Crash safety: a record is acknowledged once appended and `fdatasync`ed. A kill mid-append
/// leaves a torn last record, which fails its length or checksum: reading stops there, and the
/// store truncates it away. The journal applies only to the snapshot of the same generation:
/// compaction writes the snapshot of generation G+1 (atomically) before it replaces the journal,
/// so a crash between the two leaves a journal of generation G, whose records the new snapshot
/// already holds, and which is then ignored.
enum StateJournal {
    static let formatName = "aisearch-sync-journal"
    static let recordHeaderBytes = 12

    static func header(generation: Int) -> [UInt8] {
        Array("{\"format\":\"\(formatName)\",\"version\":1,\"generation\":\(generation)}\n".utf8)
    }

    /// One framed record.
    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(recordHeaderBytes + payload.count)
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: FNV1a64.of(payload).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// What a journal file holds.
    struct Contents {
        /// The generation its header names; nil when the header is missing or unreadable.
        var generation: Int?
        /// The payloads of the complete, intact records, in order.
        var payloads: [ArraySlice<UInt8>]
        /// Bytes up to the end of the last intact record (where the next append belongs).
        var validLength: Int
    }

    static func read(_ bytes: [UInt8]) -> Contents {
        guard let newline = bytes.prefix(256).firstIndex(of: UInt8(ascii: "\n")),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes[..<newline])) as? [String: Any],
              object["format"] as? String == formatName, let generation = object["generation"] as? Int else {
            return Contents(generation: nil, payloads: [], validLength: 0)
        }
        var payloads: [ArraySlice<UInt8>] = []
        var offset = newline + 1
        var valid = offset
        while bytes.count - offset >= recordHeaderBytes {
            let length = Int(littleEndian(bytes, at: offset, as: UInt32.self))
            let checksum = littleEndian(bytes, at: offset + 4, as: UInt64.self)
            let start = offset + recordHeaderBytes
            guard bytes.count - start >= length else { break }
            let payload = bytes[start..<(start + length)]
            guard FNV1a64.of(payload) == checksum else { break }
            payloads.append(payload)
            offset = start + length
            valid = offset
        }
        return Contents(generation: generation, payloads: payloads, validLength: valid)
    }

    private static func littleEndian<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as: T.Type) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + index]) << (8 * index) }
        return value
    }
}
