/// What the watched folder (and the parking folder beside it) should hold after a sequence of
/// operations. The generator consults it to pick targets that exist, so a workload is a pure
/// function of the seed; the runner checks the real folder against it after every round, which
/// catches a torture bug before it is blamed on the agent.
public struct FolderModel: Sendable, Hashable {
    /// A directory tree outside the watched root: files and (possibly empty) subdirectories,
    /// relative to the parked directory.
    public struct ParkedTree: Sendable, Hashable {
        public var files: [String: [UInt8]] = [:]
        public var directories: Set<String> = []
    }

    /// Eligible files under the root: relative path → content. Exactly what the instance must hold.
    public private(set) var files: [String: [UInt8]] = [:]
    /// Directories under the root (relative, the root itself excluded).
    public private(set) var directories: Set<String> = []
    /// Directories that bursts write into: made before the agent starts and never moved, so the
    /// agent is certainly watching them when a burst comes.
    public let anchors: [String]
    public private(set) var parked: [String: ParkedTree] = [:]
    /// Ineligible burst files still in the tree.
    public private(set) var filler: [String] = []
    public private(set) var isAgentRunning = false

    public init(anchors: [String]) {
        self.anchors = anchors
        directories = Set(anchors)
    }

    /// Directories that may be moved, renamed or deleted: every one except the anchors.
    public var movableDirectories: [String] { directories.filter { !anchors.contains($0) }.sorted() }

    /// Applies the effect of `operation`. Preconditions (the file exists, …) are the generator's.
    public mutating func apply(_ operation: TortureOperation) {
        switch operation {
        case .create(let path, let content), .edit(let path, let content), .atomicSave(let path, _, let content):
            addParents(of: path)
            files[path] = content
        case .append(let path, let bytes):
            files[path, default: []] += bytes
        case .truncate(let path, let length):
            files[path] = Array((files[path] ?? []).prefix(length))
        case .rename(let from, let to):
            addParents(of: to)
            files[to] = files.removeValue(forKey: from)
        case .renameDirectory(let from, let to):
            attach(detach(directory: from), at: to)
        case .replaceFileWithDirectory(let path, let file, let content):
            files[path] = nil
            directories.insert(path)
            files[path + "/" + file] = content
        case .copy(_, let to, let content):
            addParents(of: to)
            files[to] = content
        case .swap(let first, let second, _):
            (files[first], files[second]) = (files[second], files[first])
        case .delete(let path):
            files[path] = nil
        case .deleteDirectory(let path):
            _ = detach(directory: path)
        case .moveDirectoryOut(let path, let parking):
            parked[parking] = detach(directory: path)
        case .moveDirectoryIn(let parking, let path, let freshFiles):
            var tree = parked.removeValue(forKey: parking) ?? ParkedTree()
            for (relative, content) in freshFiles {
                tree.files[relative] = content
                tree.directories.formUnion(Self.ancestors(of: relative))
            }
            attach(tree, at: path)
        case .burst(let burstFiles, let burstFiller):
            for (path, content) in burstFiles { files[path] = content }
            filler += burstFiller
        case .removeFiller(let paths):
            let removed = Set(paths)
            filler.removeAll { removed.contains($0) }
        case .killAgent:
            isAgentRunning = false
        case .startAgent:
            isAgentRunning = true
        case .pause:
            break
        }
    }

    /// Removes `directory` and everything below it from the tree and returns it as a parked tree.
    private mutating func detach(directory: String) -> ParkedTree {
        let prefix = directory + "/"
        var tree = ParkedTree()
        for (path, content) in files where path.hasPrefix(prefix) {
            tree.files[String(path.dropFirst(prefix.count))] = content
            files[path] = nil
        }
        for path in directories where path.hasPrefix(prefix) {
            tree.directories.insert(String(path.dropFirst(prefix.count)))
        }
        directories = directories.filter { $0 != directory && !$0.hasPrefix(prefix) }
        return tree
    }

    private mutating func attach(_ tree: ParkedTree, at directory: String) {
        addParents(of: directory)
        directories.insert(directory)
        for path in tree.directories { directories.insert(directory + "/" + path) }
        for (path, content) in tree.files {
            files[directory + "/" + path] = content
            addParents(of: directory + "/" + path)
        }
    }

    private mutating func addParents(of path: String) { directories.formUnion(Self.ancestors(of: path)) }

    /// `a/b/c.md` → `a`, `a/b`.
    static func ancestors(of path: String) -> [String] {
        let components = path.split(separator: "/").dropLast()
        return components.indices.map { components[...$0].joined(separator: "/") }
    }
}
