/// One way the instance differs from the folder.
public struct Divergence: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// In the folder, not in the instance.
        case missing
        /// In the instance, not in the folder.
        case extra
        /// In both, with different bytes.
        case contentDiffers(localSize: Int, remoteSize: Int, firstDifferenceAt: Int)
        /// Listed more than once.
        case duplicateKey(count: Int)
        /// The instance could not be read to compare (the error).
        case unreadable(String)
    }

    public var key: String
    public var kind: Kind

    public init(key: String, kind: Kind) {
        self.key = key
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .missing: "\(key): in the folder, missing from the instance"
        case .extra: "\(key): in the instance, not in the folder"
        case .contentDiffers(let local, let remote, let at):
            "\(key): content differs (folder \(local) bytes, instance \(remote) bytes, first difference at byte \(at))"
        case .duplicateKey(let count): "\(key): listed \(count) times"
        case .unreadable(let error): "\(key): could not be read: \(error)"
        }
    }
}

/// Compares the folder with the instance, both as key → content. A pure function, so every
/// verdict the torture gives can be tested without a folder or an emulator.
public enum FolderComparison {
    /// The divergences, sorted by key. `duplicates` are keys the listing showed more than once,
    /// with how often.
    public static func divergences(local: [String: [UInt8]], remote: [String: [UInt8]],
                                   duplicates: [String: Int] = [:]) -> [Divergence] {
        var found: [Divergence] = []
        for (key, content) in local {
            guard let other = remote[key] else {
                found.append(Divergence(key: key, kind: .missing))
                continue
            }
            if content != other {
                let at = zip(content, other).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(content.count, other.count)
                found.append(Divergence(key: key, kind: .contentDiffers(localSize: content.count, remoteSize: other.count,
                                                                        firstDifferenceAt: at)))
            }
        }
        for key in remote.keys where local[key] == nil { found.append(Divergence(key: key, kind: .extra)) }
        for (key, count) in duplicates where count > 1 { found.append(Divergence(key: key, kind: .duplicateKey(count: count))) }
        return found.sorted { ($0.key, $0.description) < ($1.key, $1.description) }
    }
}
