#if canImport(Glibc)
import Glibc
#endif

/// What `lstat(2)` says of a path: the identity and change stamps the sync engine compares.
/// Links are never followed.
public struct FileStatus: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case regular, directory, symbolicLink, other }

    public var kind: Kind
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    /// Modification time in nanoseconds since the epoch.
    public var modificationTimeNanoseconds: Int64
    /// Status-change time in nanoseconds since the epoch.
    public var changeTimeNanoseconds: Int64
    public var mode: UInt32

    public init(kind: Kind, device: UInt64, inode: UInt64, size: Int64,
                modificationTimeNanoseconds: Int64, changeTimeNanoseconds: Int64, mode: UInt32) {
        self.kind = kind
        self.device = device
        self.inode = inode
        self.size = size
        self.modificationTimeNanoseconds = modificationTimeNanoseconds
        self.changeTimeNanoseconds = changeTimeNanoseconds
        self.mode = mode
    }

    /// `lstat` of `path`.
    public static func of(_ path: FilePathBytes) throws(SystemError) -> FileStatus {
        var raw = stat()
        _ = try path.withCString { (cPath) throws(SystemError) -> Int32 in
            try retryingOnInterrupt("lstat", subject: path.description) { lstat(cPath, &raw) }
        }
        return FileStatus(raw)
    }

    /// `stat` of `path`: links followed, for a configured root that may be a link to a directory.
    public static func followingLinks(_ path: FilePathBytes) throws(SystemError) -> FileStatus {
        var raw = stat()
        _ = try path.withCString { (cPath) throws(SystemError) -> Int32 in
            try retryingOnInterrupt("stat", subject: path.description) { stat(cPath, &raw) }
        }
        return FileStatus(raw)
    }

    /// `fstat` of an open descriptor.
    public static func of(_ descriptor: FileDescriptor) throws(SystemError) -> FileStatus {
        var raw = stat()
        _ = try retryingOnInterrupt("fstat") { fstat(descriptor.rawValue, &raw) }
        return FileStatus(raw)
    }

    init(_ raw: stat) {
        let format = raw.st_mode & S_IFMT
        kind = switch format {
        case S_IFREG: .regular
        case S_IFDIR: .directory
        case S_IFLNK: .symbolicLink
        default: .other
        }
        device = UInt64(raw.st_dev)
        inode = UInt64(raw.st_ino)
        size = Int64(raw.st_size)
        modificationTimeNanoseconds = Int64(raw.st_mtim.tv_sec) * 1_000_000_000 + Int64(raw.st_mtim.tv_nsec)
        changeTimeNanoseconds = Int64(raw.st_ctim.tv_sec) * 1_000_000_000 + Int64(raw.st_ctim.tv_nsec)
        mode = UInt32(raw.st_mode)
    }
}
