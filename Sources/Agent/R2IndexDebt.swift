import Foundation

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
/// Not thread-safe: the owning actor serializes it.
struct R2IndexDebt {
    let file: URL?
    private(set) var keys: Set<String> = []

    static let fileName = "r2-index-owed.jsonl"

    init(file: URL?) {
        self.file = file
        guard let file, let data = try? Data(contentsOf: file) else { return }
        for line in data.split(separator: UInt8(ascii: "\n")) {
            // A line cut short by a kill mid-write is dropped: its write had not gone out yet.
            guard let entry = try? JSONDecoder().decode([String].self, from: Data(line)), entry.count == 2 else { continue }
            if entry[0] == "owe" { keys.insert(entry[1]) } else { keys.remove(entry[1]) }
        }
        rewrite()
    }

    var isEmpty: Bool { keys.isEmpty }

    mutating func owe(_ key: String) {
        if keys.insert(key).inserted { append("owe", key) }
    }

    /// Clears `key`; the file goes when nothing is owed any more.
    mutating func pay(_ key: String) {
        guard keys.remove(key) != nil else { return }
        if keys.isEmpty { rewrite() } else { append("paid", key) }
    }

    mutating func payAll() {
        guard !keys.isEmpty else { return }
        keys = []
        rewrite()
    }

    private func append(_ action: String, _ key: String) {
        guard let file, let line = try? JSONEncoder().encode([action, key]) else { return }
        if !FileManager.default.fileExists(atPath: file.path) { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        guard let handle = try? FileHandle(forWritingTo: file) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: line + [UInt8(ascii: "\n")])
    }

    /// The file holding only what is owed now (removed when nothing is).
    private func rewrite() {
        guard let file else { return }
        guard !keys.isEmpty else {
            try? FileManager.default.removeItem(at: file)
            return
        }
        var text = Data()
        for key in keys.sorted() {
            if let line = try? JSONEncoder().encode(["owe", key]) { text += line + [UInt8(ascii: "\n")] }
        }
        try? text.write(to: file, options: .atomic)
    }
}
