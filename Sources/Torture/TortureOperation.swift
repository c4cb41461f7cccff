/// One step of a torture workload, as plain data: the generator makes them from the seed alone,
/// `FolderModel` predicts their effect, and `FolderWriter` and the runner carry them out. Paths are
/// relative to the watched root (parked directories: relative to the parking folder outside it)
/// and always plain ASCII, so they are also the item keys.
public enum TortureOperation: Hashable, Sendable {
    /// A new file; missing parent directories are made first (`mkdir -p`).
    case create(path: String, content: [UInt8])
    /// Rewrites an existing file in place (`O_TRUNC`), the way `echo > file` does.
    case edit(path: String, content: [UInt8])
    case append(path: String, bytes: [UInt8])
    /// Cuts a file to `length` bytes (always at least one: empty files are not what we test).
    case truncate(path: String, length: Int)
    /// Writes `temporary` (an ineligible name beside the file), then renames it over `path`.
    case atomicSave(path: String, temporary: String, content: [UInt8])
    /// Renames a file inside the tree, possibly over an existing file.
    case rename(from: String, to: String)
    /// Renames a directory inside the tree (to a new name).
    case renameDirectory(from: String, to: String)
    /// Deletes a file and makes a directory of the same name holding `file` (a path that was a
    /// file and is now a directory: `x.md` becomes `x.md/`).
    case replaceFileWithDirectory(path: String, file: String, content: [UInt8])
    /// A new file with the same bytes as `from` (a trap for moves detected by content).
    case copy(from: String, to: String, content: [UInt8])
    /// Exchanges two files' contents by three renames through `temporary` (ineligible name).
    case swap(first: String, second: String, temporary: String)
    case delete(path: String)
    /// `rm -r` of a directory inside the tree.
    case deleteDirectory(path: String)
    /// Moves a directory out of the tree into the parking folder under `parking`.
    case moveDirectoryOut(path: String, parking: String)
    /// Moves `parking` into the tree as `path`. `freshFiles` non-empty: the parked directory is
    /// first made outside with those files (relative to it); empty: it was parked earlier.
    case moveDirectoryIn(parking: String, path: String, freshFiles: [String: [UInt8]])
    /// Thousands of files written in one go into already-watched directories, to overflow the
    /// agent's inotify queue: `files` are eligible and stay; `filler` are tiny ineligible ones.
    /// The runner stops the agent (SIGSTOP) for the burst so the kernel queue surely fills.
    case burst(files: [String: [UInt8]], filler: [String])
    /// Deletes the filler of an earlier burst (another storm of events, none of them eligible).
    case removeFiller(paths: [String])
    case killAgent
    case startAgent
    /// Gives the agent time to act on what came before, so later kills land mid-work.
    case pause(milliseconds: Int)

    /// The name this operation is counted under in the report.
    public var kind: OperationKind {
        switch self {
        case .create: .create
        case .edit: .edit
        case .append: .append
        case .truncate: .truncate
        case .atomicSave: .atomicSave
        case .rename: .rename
        case .renameDirectory: .renameDirectory
        case .replaceFileWithDirectory: .fileToDirectory
        case .copy: .copy
        case .swap: .swap
        case .delete: .delete
        case .deleteDirectory: .deleteDirectory
        case .moveDirectoryOut: .moveDirectoryOut
        case .moveDirectoryIn: .moveDirectoryIn
        case .burst: .burst
        case .removeFiller: .removeFiller
        case .killAgent: .kill
        case .startAgent: .start
        case .pause: .pause
        }
    }
}

/// Operation kinds, in report order.
public enum OperationKind: String, CaseIterable, Sendable, Hashable, Comparable {
    case create, edit, append, truncate
    case atomicSave = "atomic-save"
    case rename
    case renameDirectory = "rename-dir"
    case copy, swap
    case fileToDirectory = "file-to-dir"
    case delete
    case deleteDirectory = "delete-dir"
    case moveDirectoryOut = "dir-move-out"
    case moveDirectoryIn = "dir-move-in"
    case burst
    case removeFiller = "filler-removal"
    case kill = "sigkill"
    case start = "agent-start"
    case pause

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
