import LinuxSystem

/// The watcher's picture of the tree: every watched directory (relative path ↔ watch
/// descriptor) and the names of the non-directory entries in it. The entry names are what lets
/// a directory that is moved out or deleted be reported file by file.
///
/// Invariant: `nodes` and `pathByWatch` are inverse maps; every node except the root ("") is
/// listed in its parent's `subdirectories`.
struct DirectoryTree {
    struct Node {
        var watch: WatchDescriptor
        var files: Set<FilePathBytes> = []
        var subdirectories: Set<FilePathBytes> = []
    }

    private(set) var nodes: [FilePathBytes: Node] = [:]
    private var pathByWatch: [WatchDescriptor: FilePathBytes] = [:]

    var count: Int { nodes.count }
    var allWatches: [WatchDescriptor] { Array(pathByWatch.keys) }

    func path(of watch: WatchDescriptor) -> FilePathBytes? { pathByWatch[watch] }

    func contains(_ path: FilePathBytes) -> Bool { nodes[path] != nil }

    /// Records `path` as watched by `watch`, with no entries yet (a re-crawl refills them).
    /// If the kernel handed back a descriptor known under another path, the directory was moved
    /// without us seeing it: the stale subtree is dropped first (no inode has two directory paths).
    mutating func insert(_ path: FilePathBytes, watch: WatchDescriptor) {
        if let stale = pathByWatch[watch], stale != path { _ = removeSubtree(stale) }
        if let old = nodes[path], old.watch != watch { pathByWatch[old.watch] = nil }
        let previous = nodes[path]
        nodes[path] = Node(watch: watch, files: [], subdirectories: previous?.subdirectories ?? [])
        pathByWatch[watch] = path
        if !path.isEmpty { nodes[path.parent(inTree: ())]?.subdirectories.insert(path.lastComponent) }
    }

    func containsFile(_ path: FilePathBytes) -> Bool {
        nodes[path.parent(inTree: ())]?.files.contains(path.lastComponent) ?? false
    }

    mutating func insertFile(_ path: FilePathBytes) {
        nodes[path.parent(inTree: ())]?.files.insert(path.lastComponent)
    }

    mutating func removeFile(_ path: FilePathBytes) {
        nodes[path.parent(inTree: ())]?.files.remove(path.lastComponent)
    }

    /// Every watched directory at or below `path`.
    func directories(under path: FilePathBytes) -> Set<FilePathBytes> {
        var result: Set<FilePathBytes> = []
        var stack = [path]
        while let directory = stack.popLast() {
            guard let node = nodes[directory] else { continue }
            result.insert(directory)
            stack += node.subdirectories.map { directory.appending(inTree: $0) }
        }
        return result
    }

    /// Every non-directory path at or below `path`.
    func files(under path: FilePathBytes) -> [FilePathBytes] {
        var result: [FilePathBytes] = []
        var stack = [path]
        while let directory = stack.popLast() {
            guard let node = nodes[directory] else { continue }
            result += node.files.map { directory.appending(inTree: $0) }
            stack += node.subdirectories.map { directory.appending(inTree: $0) }
        }
        return result
    }

    /// Forgets `path` and everything below it; returns the files it held and the watches it had,
    /// so the caller can report the files and remove the watches still alive in the kernel.
    mutating func removeSubtree(_ path: FilePathBytes) -> (files: [FilePathBytes], watches: [WatchDescriptor]) {
        let files = files(under: path)
        var watches: [WatchDescriptor] = []
        var stack = [path]
        while let directory = stack.popLast() {
            guard let node = nodes.removeValue(forKey: directory) else { continue }
            if pathByWatch[node.watch] == directory { pathByWatch[node.watch] = nil }
            watches.append(node.watch)
            stack += node.subdirectories.map { directory.appending(inTree: $0) }
        }
        if !path.isEmpty { nodes[path.parent(inTree: ())]?.subdirectories.remove(path.lastComponent) }
        return (files, watches)
    }

    /// Re-keys the subtree at `old` to `new` after a rename inside the tree: every descendant's
    /// path changes, its watch descriptors stay.
    mutating func rename(_ old: FilePathBytes, to new: FilePathBytes) {
        guard nodes[old] != nil, old != new else { return }
        if nodes[new] != nil { _ = removeSubtree(new) }
        var moved: [(FilePathBytes, Node)] = []
        var stack = [old]
        while let directory = stack.popLast() {
            guard let node = nodes.removeValue(forKey: directory) else { continue }
            moved.append((directory, node))
            stack += node.subdirectories.map { directory.appending(inTree: $0) }
        }
        for (path, node) in moved {
            let suffix = path.relative(to: old)!
            let target = suffix.isEmpty ? new : new.appending(suffix)
            nodes[target] = node
            pathByWatch[node.watch] = target
        }
        nodes[old.parent(inTree: ())]?.subdirectories.remove(old.lastComponent)
        nodes[new.parent(inTree: ())]?.subdirectories.insert(new.lastComponent)
    }
}

extension FilePathBytes {
    /// The parent within a root-relative tree: "" for a top-level entry (never "/").
    func parent(inTree: Void) -> FilePathBytes {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return FilePathBytes([]) }
        return FilePathBytes(bytes[..<slash])
    }

    /// `self` joined with `component`, where an empty `self` is the tree's root.
    func appending(inTree component: FilePathBytes) -> FilePathBytes {
        isEmpty ? component : appending(component)
    }

    /// The absolute path of root-relative `self` below `root`.
    func absolute(under root: FilePathBytes) -> FilePathBytes {
        isEmpty ? root : root.appending(self)
    }
}
