import AISearchAPI
import Foundation
import Hashing
import LinuxSystem
import Testing
@testable import SyncCore

/// The table against a dictionary model: random inserts, updates (path changes included) and
/// removals, then every lookup by key and by path, and every row number, agree with the model.
@Suite struct StateTableTests {
    @Test(arguments: 0..<12)
    func lookupsByKeyAndPathAgreeWithADictionary(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        var table = StateTable()
        var model: [ItemKey: StateEntry] = [:]
        // Few paths, many keys: several rows share a path, and removals shift long probe runs.
        // A path is often its key's tail (stored inside the key's bytes), sometimes not; long
        // names make removals leave enough garbage for the arena to be compacted many times.
        let names = (0..<60).map { "folder-with-a-long-name/p\($0).md" }
        let keys = (0..<300).map { ItemKey(($0 % 3 == 0 ? "docs/" : "") + names[$0 % 60] + ($0 % 5 == 0 ? "" : "-\($0)")) }
        let paths = names.map { FilePathBytes($0) } + [FilePathBytes("other/x.md"), FilePathBytes("p0.md")]
        if Bool.random(using: &random) { table.reserveCapacity(Int.random(in: 0..<400, using: &random)) }
        for step in 0..<20_000 {
            let key = keys.randomElement(using: &random)!
            if Int.random(in: 0..<4, using: &random) == 0 {
                table[key] = nil
                model[key] = nil
            } else {
                let entry = Self.randomEntry(path: paths.randomElement(using: &random)!, step: step, using: &random)
                if Bool.random(using: &random) {
                    table[key] = entry
                } else {
                    // As the loader sets rows: by bytes, the entry's own path not read.
                    var pathless = entry
                    pathless.path = FilePathBytes("ignored")
                    var keyText = key.rawValue
                    keyText.withUTF8 { keyBytes in
                        entry.path.bytes.withUnsafeBufferPointer { table.set(keyBytes: keyBytes, pathBytes: $0, entry: pathless) }
                    }
                }
                model[key] = entry
            }
        }
        #expect(table.count == model.count)
        for key in keys {
            #expect(table[key] == model[key], "\(key)")
            if let row = table.rowNumber(of: key) { #expect(table[row: row].key == key) } else { #expect(model[key] == nil) }
        }
        for path in paths {
            let expected = Set(model.filter { $0.value.path == path }.keys)
            #expect(Set(table.keys(atPath: path)) == expected, "\(path)")
            #expect(table.keys(atPath: path).count == expected.count, "no row twice")
        }
        #expect(Set(table.keys) == Set(model.keys))
        let counts = table.trackedAndOwnedCounts
        #expect(counts.tracked == model.values.count { $0.identity != nil && $0.sha256 != nil })
        #expect(counts.owned == model.values.count { $0.remote != nil })
    }

    /// Every shape a row is packed in: each part present or not, UUID and text ids, checksums
    /// that are the content's hex or not, an item holding the file's content or other content.
    static func randomEntry(path: FilePathBytes, step: Int, using random: inout SeededGenerator) -> StateEntry {
        let sha256 = Bool.random(using: &random) ? digest(step % 7) : nil
        let identity = Bool.random(using: &random) ? nil
            : FileIdentity(device: UInt64(step), inode: .max - UInt64(step), size: Int64(step) - 3,
                           modificationTimeNanoseconds: -Int64(step), changeTimeNanoseconds: Int64(step) << 20)
        var remote: RemoteRecord?
        if Int.random(in: 0..<4, using: &random) > 0 {
            let content = Bool.random(using: &random) ? sha256 ?? digest(99) : digest(step % 5 + 10)
            let id = Bool.random(using: &random) ? String(format: "%08x-0000-4000-8000-%012x", step, step * 7) : "id-\(step)"
            let checksum = [content.hex, "", "opaque-\(step)"].randomElement(using: &random)!
            remote = RemoteRecord(itemID: id, checksum: checksum, status: Item.Status.allCases.randomElement(using: &random)!,
                                  contentSHA256: content, reindexAttempts: Int.random(in: 0..<5, using: &random))
        }
        return StateEntry(path: path, identity: identity, sha256: sha256, remote: remote)
    }

    /// A hint only says where to look first: right, wrong, past the end or negative, the answer
    /// is the row of the key, or nil for a key the table lacks.
    @Test func aRowHintNeverChangesTheAnswer() {
        let table = sampleState(count: 300).entries
        for row in 0..<table.count {
            let key = Array(table.key(atRow: row).rawValue.utf8)
            for hint in [row, row + 1, row - 1, 0, -5, table.count, table.count + 9] {
                #expect(key.withUnsafeBufferPointer { table.rowNumber(ofKeyBytes: $0, hint: hint) } == row)
            }
        }
        let missing = Array("docs/not/there.md".utf8)
        for hint in [0, 5, table.count - 1, table.count] {
            #expect(missing.withUnsafeBufferPointer { table.rowNumber(ofKeyBytes: $0, hint: hint) } == nil)
        }
    }

    @Test func keysAtOrAboveFindAFileReplacedByADirectory() {
        var table = StateTable()
        table[ItemKey("notes")] = StateEntry(path: "notes")
        table[ItemKey("notes/a.md")] = StateEntry(path: "notes/a.md")
        table[ItemKey("other.md")] = StateEntry(path: "other.md")
        #expect(table.keys(atOrAbove: [FilePathBytes("notes/b.md")]) == [ItemKey("notes")])
        #expect(table.keys(atOrAbove: [FilePathBytes("notes/a.md")]) == [ItemKey("notes"), ItemKey("notes/a.md")])
        #expect(table.keys(atOrAbove: [FilePathBytes("missing.md")]).isEmpty)
    }
}
