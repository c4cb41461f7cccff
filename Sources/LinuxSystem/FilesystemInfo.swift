#if canImport(Glibc)
import Glibc
#endif

/// The kind of file system a path lies on, for deciding whether inotify can be trusted there.
///
/// `magic` is `statfs(2)`'s `f_type`; `typeName` is the mount table's type for the mount that
/// holds the path when `/proc/self/mountinfo` can be read (`nfs4`, `fuse.sshfs`, `ext4`), and
/// otherwise the name of the magic number (`nfs`, `fuse`, `ext2/3/4`, or the number in hex).
public struct FilesystemInfo: Sendable, Equatable {
    public var typeName: String
    public var magic: UInt64

    public init(typeName: String, magic: UInt64) {
        self.typeName = typeName
        self.magic = magic
    }

    /// `statfs` of `path` (links followed: the root may be a link), named from the mount table.
    public static func of(_ path: FilePathBytes) throws(SystemError) -> FilesystemInfo {
        let magic = try fileSystemMagic(path)
        let fallback = name(forMagic: magic) ?? "unknown (0x\(String(magic, radix: 16)))"
        guard let entries = try? MountInfo.current(),
              let mount = MountInfo.mount(containing: path.resolvingSymbolicLinks() ?? path, device: deviceOf(path), in: entries),
              !mount.fileSystemType.isEmpty else {
            return FilesystemInfo(typeName: fallback, magic: magic)
        }
        return FilesystemInfo(typeName: mount.fileSystemType, magic: magic)
    }

    /// The name of a `statfs` magic number, nil when it is not one we know.
    public static func name(forMagic magic: UInt64) -> String? { knownMagics[magic] }

    /// From linux/magic.h and the file systems' own headers. FUSE covers sshfs, rclone, s3fs,
    /// gcsfuse, virtiofs, ntfs-3g …; the mount table tells them apart.
    static let knownMagics: [UInt64: String] = [
        0xEF53: "ext2/3/4",
        0x5846_5342: "xfs",
        0x9123_683E: "btrfs",
        0x2FC1_2FC1: "zfs",
        0xF2F5_2010: "f2fs",
        0xCA45_1A4E: "bcachefs",
        0x3153_464A: "jfs",
        0x5265_4973: "reiserfs",
        0x4D44: "vfat",
        0x2011_BAB0: "exfat",
        0x5346_544E: "ntfs",
        0x7366_746E: "ntfs3",
        0x9660: "iso9660",
        0x7371_7368: "squashfs",
        0x0102_1994: "tmpfs",
        0x8584_58F6: "ramfs",
        0x794C_7630: "overlay",
        0x6175_6673: "aufs",
        0x6969: "nfs",
        0xFF53_4D42: "cifs",
        0xFE53_4D42: "smb2",
        0x517B: "smb",
        0x6573_5546: "fuse",
        0x0102_1997: "9p",
        0x786F_4256: "vboxsf",
        0x00C3_6400: "ceph",
        0x5346_414F: "afs",
        0x6B41_4653: "afs",
        0x0BD0_0BD0: "lustre",
        0x4750_4653: "gpfs",
        0x1983_0326: "beegfs",
        0x0116_1970: "gfs2",
        0x7461_636F: "ocfs2",
        0x9FA0: "proc",
        0x6265_6572: "sysfs",
    ]

    /// `statfs(2)`'s `f_type`. Swift's Glibc module leaves out <sys/statfs.h> (it has `statvfs`,
    /// which has no type field), so the function is looked up in the C library and called
    /// through a C function pointer, with a buffer larger than `struct statfs` (120 bytes on
    /// 64-bit Linux) whose first field, `__fsword_t f_type`, is a C `long` on the platforms
    /// Swift supports there.
    private static func fileSystemMagic(_ path: FilePathBytes) throws(SystemError) -> UInt64 {
        typealias StatfsFunction = @convention(c) (UnsafePointer<CChar>, UnsafeMutableRawPointer) -> Int32
        guard let symbol = dlsym(nil, "statfs") else {  // nil is RTLD_DEFAULT
            throw SystemError("statfs", subject: path.description, errno: Errno(rawValue: ENOSYS))
        }
        let function = unsafeBitCast(symbol, to: StatfsFunction.self)
        return try withUnsafeTemporaryAllocation(byteCount: 512, alignment: 16) { (buffer) throws(SystemError) -> UInt64 in
            let raw = buffer.baseAddress!
            raw.initializeMemory(as: UInt8.self, repeating: 0, count: buffer.count)
            _ = try path.withCString { (cPath) throws(SystemError) -> Int32 in
                try retryingOnInterrupt("statfs", subject: path.description) { function(cPath, raw) }
            }
            // Every magic is 32 bits; drop any sign extension of the signed long.
            return UInt64(truncatingIfNeeded: raw.load(as: Int.self)) & 0xFFFF_FFFF
        }
    }

    private static func deviceOf(_ path: FilePathBytes) -> UInt64? {
        var raw = stat()
        guard path.withCString({ stat($0, &raw) }) == 0 else { return nil }
        return UInt64(raw.st_dev)
    }
}
