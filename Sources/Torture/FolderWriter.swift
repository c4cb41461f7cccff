#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LinuxSystem

/// Carries out the file-system operations of a workload on the real watched folder and the
/// parking folder beside it, with the system calls an editor or a shell would use (in-place
/// writes, `O_APPEND`, `truncate(2)`, `rename(2)` over an existing file). Agent operations and
/// pauses are the runner's, not this type's.
///
/// Not thread-safe by need: the runner calls it from one task at a time.
public struct FolderWriter: Sendable {
    public let root: String
    /// Where directories moved out of the tree live (same file system, so moves are renames).
    public let parking: String

    public init(root: String, parking: String) {
        self.root = root
        self.parking = parking
    }

    /// Applies a file-system operation; throws `SystemError` naming the call and the path.
    public func apply(_ operation: TortureOperation) throws {
        switch operation {
        case .create(let path, let content):
            try makeParents(of: inRoot(path))
            try write(inRoot(path), content, flags: O_CREAT | O_EXCL)
        case .edit(let path, let content):
            try write(inRoot(path), content, flags: O_TRUNC)
        case .append(let path, let bytes):
            try write(inRoot(path), bytes, flags: O_APPEND)
        case .truncate(let path, let length):
            try check("truncate", path) { Glibc.truncate(inRoot(path), off_t(length)) }
        case .atomicSave(let path, let temporary, let content):
            try write(inRoot(temporary), content, flags: O_CREAT | O_EXCL)
            try rename(inRoot(temporary), inRoot(path))
        case .replaceFileWithDirectory(let path, let file, let content):
            try check("unlink", path) { Glibc.unlink(inRoot(path)) }
            try FileManager.default.createDirectory(atPath: inRoot(path), withIntermediateDirectories: false)
            try write(inRoot(path) + "/" + file, content, flags: O_CREAT | O_EXCL)
        case .rename(let from, let to), .renameDirectory(let from, let to):
            try makeParents(of: inRoot(to))
            try rename(inRoot(from), inRoot(to))
        case .copy(_, let to, let content):
            try makeParents(of: inRoot(to))
            try write(inRoot(to), content, flags: O_CREAT | O_EXCL)
        case .swap(let first, let second, let temporary):
            try rename(inRoot(first), inRoot(temporary))
            try rename(inRoot(second), inRoot(first))
            try rename(inRoot(temporary), inRoot(second))
        case .delete(let path):
            try check("unlink", path) { Glibc.unlink(inRoot(path)) }
        case .deleteDirectory(let path):
            try FileManager.default.removeItem(atPath: inRoot(path))
        case .moveDirectoryOut(let path, let parked):
            try rename(inRoot(path), inParking(parked))
        case .moveDirectoryIn(let parked, let path, let freshFiles):
            for (relative, content) in freshFiles.sorted(by: { $0.key < $1.key }) {
                let full = inParking(parked) + "/" + relative
                try makeParents(of: full)
                try write(full, content, flags: O_CREAT | O_EXCL)
            }
            try makeParents(of: inRoot(path))
            try rename(inParking(parked), inRoot(path))
        case .burst(let files, let filler):
            // Filler and eligible files interleaved, all in one go: no pause lets the agent catch up.
            for path in filler { try write(inRoot(path), Self.fillerContent, flags: O_CREAT | O_EXCL) }
            for (path, content) in files.sorted(by: { $0.key < $1.key }) { try write(inRoot(path), content, flags: O_CREAT | O_EXCL) }
        case .removeFiller(let paths):
            for path in paths { try check("unlink", path) { Glibc.unlink(inRoot(path)) } }
        case .killAgent, .startAgent, .pause:
            break
        }
    }

    static let fillerContent = Array("filler\n".utf8)

    private func inRoot(_ path: String) -> String { root + "/" + path }
    private func inParking(_ path: String) -> String { parking + "/" + path }

    private func makeParents(of path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    }

    private func write(_ path: String, _ bytes: [UInt8], flags: Int32) throws {
        let descriptor = try FileDescriptor.open(FilePathBytes(path), flags: O_WRONLY | flags)
        defer { descriptor.close() }
        try descriptor.writeAll(bytes)
    }

    private func rename(_ from: String, _ to: String) throws {
        try check("rename", "\(from) → \(to)") { Glibc.rename(from, to) }
    }

    private func check(_ call: String, _ subject: String, _ body: () -> Int32) throws {
        if body() != 0 { throw SystemError(call, subject: subject) }
    }
}
