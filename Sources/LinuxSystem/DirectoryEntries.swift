#if canImport(Glibc)
import Glibc
#endif

/// One entry of a directory listing, name as raw bytes.
public struct DirectoryEntry: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case regular, directory, symbolicLink, other, unknown }
    public var name: FilePathBytes
    /// From `d_type`; `.unknown` on file systems that do not fill it, where callers `lstat`.
    public var kind: Kind
}

/// Where `dirent`'s fields sit, for reading them through a pointer.
private enum DirentLayout {
    static let nameOffset = MemoryLayout<dirent>.offset(of: \.d_name)!
    static let typeOffset = MemoryLayout<dirent>.offset(of: \.d_type)!
}

/// Lists `path` (without `.` and `..`), names as raw bytes.
public func directoryEntries(of path: FilePathBytes) throws(SystemError) -> [DirectoryEntry] {
    try OpenDirectory(path).entries()
}

/// An open directory: its entries, and the status of each by name relative to it (`fstatat`),
/// so a walk pays no lookup of the path from the root for every file. The stream (and its
/// descriptor) is closed with the value.
public final class OpenDirectory {
    private let stream: OpaquePointer
    private let path: FilePathBytes

    public init(_ path: FilePathBytes) throws(SystemError) {
        let opened: OpaquePointer? = path.withCString { opendir($0) }
        guard let opened else { throw SystemError("opendir", subject: path.description) }
        stream = opened
        self.path = path
    }

    deinit { closedir(stream) }

    /// The entries (without `.` and `..`), names as raw bytes, in the order the directory gives.
    public func entries() throws(SystemError) -> [DirectoryEntry] {
        var entries: [DirectoryEntry] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw SystemError("readdir", subject: path.description) }
                return entries
            }
            // A record is only as long as its name (d_reclen can be 24 bytes): read the fields in
            // place, never `entry.pointee` or `d_name` whole, which would copy 280 bytes and can run
            // past the end of readdir's buffer into an unmapped page (found by the torture suite).
            let record = UnsafeRawPointer(entry)
            let namePointer = (record + DirentLayout.nameOffset).assumingMemoryBound(to: CChar.self)
            let length = strlen(namePointer)
            let dot = CChar(UInt8(ascii: "."))
            if namePointer[0] == dot && (length == 1 || (length == 2 && namePointer[1] == dot)) { continue }
            let name = Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(namePointer), count: length))
            let type = record.load(fromByteOffset: DirentLayout.typeOffset, as: UInt8.self)
            let kind: DirectoryEntry.Kind = switch Int32(type) {
            case Int32(DT_REG): .regular
            case Int32(DT_DIR): .directory
            case Int32(DT_LNK): .symbolicLink
            case Int32(DT_UNKNOWN): .unknown
            default: .other
            }
            entries.append(DirectoryEntry(name: FilePathBytes(checkedBytes: name), kind: kind))
        }
    }

    /// `lstat` of the entry `name` (links not followed), looked up from this directory.
    public func status(of name: FilePathBytes) throws(SystemError) -> FileStatus {
        var raw = stat()
        let descriptor = dirfd(stream)
        _ = try name.withCString { (cName) throws(SystemError) -> Int32 in
            try retryingOnInterrupt("lstat", subject: path.appending(name).description) {
                fstatat(descriptor, cName, &raw, AT_SYMLINK_NOFOLLOW)
            }
        }
        return FileStatus(raw)
    }
}
