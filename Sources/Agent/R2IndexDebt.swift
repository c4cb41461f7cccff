import Foundation
import LinuxSystem

/// The keys whose bucket write (PutObject or DeleteObject) has gone out while the index call that
/// must follow it (`PUT …/items`, or the item's deletion) has not been answered yet. Writing the
/// bucket and indexing are two requests: an agent killed between them leaves the bucket right and
/// the index stale, and the next run, finding the object's ETag equal to the file's MD5, would see
/// nothing to do. So a key is recorded here before its bucket write and cleared once indexed, and
/// `R2ItemStore` pays what is still owed at its next listing. (The torture suite's `--r2` mode
/// found this.)
///
/// Kept in a file of the state directory, one JSON line per change (`["owe", key]`, `["paid",
/// key]`), appended as it happens and compacted when read; without a file (tests), in memory only.
/// A debt is on disk (appended and fsynced) before its bucket write may go out, and a failure to
/// record it fails that write: a debt that was not written would be a stale index no run repairs.
/// A lost `paid` line only makes the next run index that key once more. Not thread-safe: the
/// owning actor serializes it.
struct R2IndexDebt {
    let file: FilePathBytes?
    private(set) var keys: Set<String> = []

    static let fileName = "r2-index-owed.jsonl"

    init(file: FilePathBytes?) {
        self.file = file
        guard let file, let data = try? readWholeFile(file) else { return }
        for line in data.split(separator: UInt8(ascii: "\n")) {
            // A line cut short by a kill mid-write is dropped: its write had not gone out yet.
            guard let entry = try? JSONDecoder().decode([String].self, from: Data(line)), entry.count == 2 else { continue }
            if entry[0] == "owe" { keys.insert(entry[1]) } else { keys.remove(entry[1]) }
        }
        rewrite()
    }

    var isEmpty: Bool { keys.isEmpty }

    /// Records `key` as owed, on disk, before its bucket write goes out.
    mutating func owe(_ key: String) throws(SystemError) {
        guard !keys.contains(key) else { return }
        try append("owe", key, durably: true)
        keys.insert(key)
    }

    /// Clears `key`; the file goes when nothing is owed any more.
    mutating func pay(_ key: String) {
        guard keys.remove(key) != nil else { return }
        if keys.isEmpty { rewrite() } else { try? append("paid", key, durably: false) }
    }

    mutating func payAll() {
        guard !keys.isEmpty else { return }
        keys = []
        rewrite()
    }

    private func append(_ action: String, _ key: String, durably: Bool) throws(SystemError) {
        guard let file, let line = try? JSONEncoder().encode([action, key]) else { return }
        let descriptor = try FileDescriptor.openForAppending(file)
        defer { descriptor.close() }
        try descriptor.writeAll(Array(line) + [UInt8(ascii: "\n")])
        if durably { try descriptor.sync() }
    }

    /// The file holding only what is owed now (removed when nothing is). Best effort: on failure
    /// the longer file stays, and says the same.
    private func rewrite() {
        guard let file else { return }
        guard !keys.isEmpty else {
            try? removeFile(file)
            return
        }
        var text: [UInt8] = []
        for key in keys.sorted() {
            if let line = try? JSONEncoder().encode(["owe", key]) { text += Array(line) + [UInt8(ascii: "\n")] }
        }
        let temporary = FilePathBytes(file.bytes + Array(".tmp".utf8))
        do {
            let descriptor = try FileDescriptor.openForReplacing(temporary)
            defer { descriptor.close() }
            try descriptor.writeAll(text)
            try descriptor.sync()
            try renameFile(temporary, to: file)
        } catch {
            return
        }
    }
}
