import LinuxSystem

/// How the watcher learns about changes.
///
/// inotify only reports what passes through this machine's kernel. On network and shared file
/// systems (NFS, SMB, FUSE daemons such as sshfs, 9p and virtiofs host shares, vboxsf, cluster
/// file systems) changes made elsewhere produce no event at all, so there the watcher stats the
/// tree periodically instead and reports the difference.
public enum ChangeDetection: Sendable, Equatable, CustomStringConvertible {
    case inotify
    /// A full `lstat` walk of the tree every `interval`, diffed against the previous walk.
    case polling(interval: Duration)

    /// The scan interval recommended where inotify cannot be trusted.
    public static let defaultPollingInterval: Duration = .seconds(2)

    public var description: String {
        switch self {
        case .inotify: "inotify"
        case .polling(let interval): "polling every \(Self.format(interval))"
        }
    }

    /// The detection that works on `fs`, with a one-line reason for the log when it is not plain
    /// inotify or when inotify has a blind spot there (overlay: changes to lower layers).
    public static func recommended(for fs: FilesystemInfo,
                                   interval: Duration = defaultPollingInterval) -> (ChangeDetection, reason: String?) {
        let every = format(interval)
        switch FilesystemFamily(fs) {
        case .local:
            return (.inotify, nil)
        case .remote:
            return (.polling(interval: interval),
                    "the folder is on \(fs.typeName), where inotify does not see changes made by other machines; scanning every \(every) instead")
        case .fuse:
            return (.polling(interval: interval),
                    "the folder is on \(fs.typeName) (FUSE), where inotify does not see changes made by the file system's daemon or its other clients; scanning every \(every) instead")
        case .hostShare:
            return (.polling(interval: interval),
                    "the folder is on \(fs.typeName), a folder shared from the host, where inotify does not see changes made on the host; scanning every \(every) instead")
        case .overlay:
            return (.inotify,
                    "the folder is on \(fs.typeName): inotify sees changes made in this container but not changes made to its lower layers from outside; mount the folder as a volume if it is changed from outside")
        }
    }

    /// "2s", "500ms": how people write intervals in config and logs.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 { return "\(seconds)s" }
        return "\(seconds * 1000 + milliseconds)ms"
    }
}

/// What a file system means for inotify. Decided from the mount table's type name when there is
/// one, else from the magic number.
enum FilesystemFamily: Equatable {
    /// Every change passes through this kernel.
    case local
    /// Network and cluster file systems: other machines change files behind our back.
    case remote
    /// A userspace daemon serves the files (sshfs, rclone, s3fs …).
    case fuse
    /// A host's folder seen from a VM or container (9p, virtiofs, vboxsf).
    case hostShare
    /// Local for changes made here, blind to changes in lower layers.
    case overlay

    init(_ fs: FilesystemInfo) {
        let name = fs.typeName.lowercased()
        let base = name.split(separator: ".").first.map(String.init) ?? name
        switch base {
        case "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ceph", "afs", "lustre", "gpfs",
             "beegfs", "glusterfs", "gfs2", "ocfs2", "ncpfs", "coda", "davfs", "orangefs", "pvfs2":
            self = .remote
        case "9p", "virtiofs", "vboxsf", "vmhgfs", "prl_fs":
            self = .hostShare
        case "fuseblk":
            self = .local  // a FUSE driver for a local disk (ntfs-3g, exfat-fuse): changes come through here
        case "fuse":
            // "fuse.glusterfs" and the like are network file systems served by FUSE; all the same here.
            self = .fuse
        case "overlay", "overlayfs", "aufs":
            self = .overlay
        default:
            self = Self(magic: fs.magic)
        }
    }

    private init(magic: UInt64) {
        switch FilesystemInfo.name(forMagic: magic) {
        case "nfs", "cifs", "smb", "smb2", "ceph", "afs", "lustre", "gpfs", "beegfs", "gfs2", "ocfs2": self = .remote
        case "9p", "vboxsf": self = .hostShare
        case "fuse": self = .fuse
        case "overlay", "aufs": self = .overlay
        default: self = .local
        }
    }
}
