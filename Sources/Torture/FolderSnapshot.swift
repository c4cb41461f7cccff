import Foundation

/// Reads the eligible files of a folder as key → content: the expectation the instance is held
/// to. Only `.md` and `.txt` count, the only eligible types a workload writes (its temporaries
/// end in `.tmp` and its filler in `.bin`, both types the agent must leave alone).
public enum FolderSnapshot {
    public static func read(root: String) throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        let rootURL = URL(fileURLWithPath: root)
        guard let enumerator = FileManager.default.enumerator(at: rootURL, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return result
        }
        while let url = enumerator.nextObject() as? URL {
            guard isEligible(url.lastPathComponent),
                  try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(rootURL.standardizedFileURL.path.count + 1))
            result[relative] = Array(try Data(contentsOf: url))
        }
        return result
    }

    public static func isEligible(_ name: String) -> Bool { name.hasSuffix(".md") || name.hasSuffix(".txt") }
}
