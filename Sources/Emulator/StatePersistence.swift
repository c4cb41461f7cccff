import Foundation
import Glibc

/// Reads and writes the emulator state under a data directory: `state.json` (metadata of every
/// namespace, instance, item and job) and `contents/<item id>` (the bytes of each uploaded item).
/// Every write goes to a temporary file that is then renamed over the old one, so a crash leaves
/// either the old or the new file, never half of one.
struct StatePersistence: Sendable {
    let directory: URL

    init(directory: String) {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
    }

    private var stateFile: URL { directory.appendingPathComponent("state.json") }
    private var contentsDirectory: URL { directory.appendingPathComponent("contents", isDirectory: true) }

    /// The saved state and item contents, or nil when the directory holds none yet.
    func load() throws -> (snapshot: StoreSnapshot, contents: [String: [UInt8]])? {
        guard FileManager.default.fileExists(atPath: stateFile.path) else { return nil }
        let snapshot = try JSONDecoder().decode(StoreSnapshot.self, from: Data(contentsOf: stateFile))
        var contents: [String: [UInt8]] = [:]
        for item in snapshot.items where item.hasContent {
            let file = contentsDirectory.appendingPathComponent(item.id)
            if let data = FileManager.default.contents(atPath: file.path) { contents[item.id] = Array(data) }
        }
        return (snapshot, contents)
    }

    func save(_ snapshot: StoreSnapshot) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try writeAtomically(encoder.encode(snapshot), to: stateFile)
    }

    func writeContent(itemID: String, bytes: [UInt8]) throws {
        try writeAtomically(Data(bytes), to: contentsDirectory.appendingPathComponent(itemID))
    }

    func removeContent(itemID: String) {
        try? FileManager.default.removeItem(at: contentsDirectory.appendingPathComponent(itemID))
    }

    func removeAllContents() {
        try? FileManager.default.removeItem(at: contentsDirectory)
    }

    private func writeAtomically(_ data: Data, to file: URL) throws {
        let folder = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).tmp")
        try data.write(to: temporary)
        if rename(temporary.path, file.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path,
                                                           "errno": Int(code)])
        }
    }
}
