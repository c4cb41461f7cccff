import Testing
@testable import LinuxSystem

@Suite struct MountInfoTests {
    /// Shaped like a container's /proc/self/mountinfo: an overlay root, a bind-mounted ext4
    /// volume, an NFS share, an sshfs mount whose point holds an escaped space, and a tmpfs
    /// mounted twice on the same point (the later one hides the first).
    static let sample = """
    512 480 0:52 / / rw,relatime master:241 - overlay overlay rw,lowerdir=/var/lib/docker/l/A:/var/lib/docker/l/B,upperdir=/var/lib/docker/x/diff,workdir=/var/lib/docker/x/work
    513 512 0:55 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
    530 512 254:1 /srv/docs /data rw,relatime - ext4 /dev/vda1 rw,errors=remount-ro
    531 530 0:60 / /data/shared rw,relatime shared:7 master:3 - nfs4 fileserver:/export/docs rw,vers=4.2,rsize=1048576
    532 512 0:61 / /mnt/my\\040drive rw,nosuid,nodev,relatime - fuse.sshfs alice@host:/home/alice rw,user_id=1000,group_id=1000
    533 512 0:62 / /scratch rw - tmpfs tmpfs rw,size=1024k
    534 512 0:63 / /scratch rw - tmpfs tmpfs rw,size=2048k
    not a mountinfo line
    """

    @Test func parsesTheDocumentedFields() {
        let entries = MountInfo.parse(Array(Self.sample.utf8))
        #expect(entries.count == 7)
        let nfs = entries[3]
        #expect(nfs.mountID == 531 && nfs.parentID == 530)
        #expect(nfs.major == 0 && nfs.minor == 60)
        #expect(nfs.mountPoint == "/data/shared")
        #expect(nfs.fileSystemType == "nfs4")
        #expect(nfs.source == "fileserver:/export/docs")
        #expect(entries[2].root == "/srv/docs")
        #expect(entries[4].mountPoint == "/mnt/my drive")
        #expect(entries[4].fileSystemType == "fuse.sshfs")
    }

    @Test(arguments: [
        ("/data/shared/reports/q1", "nfs4"),
        ("/data/shared", "nfs4"),
        ("/data/sharedother", "ext4"),
        ("/data", "ext4"),
        ("/mnt/my drive/notes", "fuse.sshfs"),
        ("/home/user", "overlay"),
        ("/", "overlay"),
    ])
    func longestMountPointContainingThePathWins(path: String, type: String) {
        let entries = MountInfo.parse(Array(Self.sample.utf8))
        #expect(MountInfo.mount(containing: FilePathBytes(path), in: entries)?.fileSystemType == type)
    }

    @Test func laterMountOnTheSamePointHidesTheEarlierUnlessTheDeviceSaysOtherwise() {
        let entries = MountInfo.parse(Array(Self.sample.utf8))
        #expect(MountInfo.mount(containing: "/scratch/x", in: entries)?.mountID == 534)
        // st_dev 0:62 is the first tmpfs (glibc's makedev(0, 62) == 62).
        #expect(MountInfo.mount(containing: "/scratch/x", device: 62, in: entries)?.mountID == 533)
        #expect(MountInfo.mount(containing: "/scratch/x", device: 63, in: entries)?.mountID == 534)
    }

    @Test func deviceNumbersDecodeLikeGlibc() {
        // makedev(254, 1) and makedev(259, 70000): minors above 255 use the high bits.
        let small = MountInfoEntry(mountID: 1, parentID: 0, major: 254, minor: 1, root: "/", mountPoint: "/",
                                   fileSystemType: "ext4", source: "/dev/vda1")
        #expect(small.isDevice(0xFE01))
        let large = MountInfoEntry(mountID: 1, parentID: 0, major: 259, minor: 70000, root: "/", mountPoint: "/",
                                   fileSystemType: "ext4", source: "/dev/nvme0n1p1")
        let encoded: UInt64 = (259 & 0xFFF) << 8 | (70000 & 0xFF) | ((70000 & ~0xFF) << 12)
        #expect(large.isDevice(encoded))
        #expect(!large.isDevice(0xFE01))
    }

    @Test func escapesAreUndoneAndMalformedOnesKept() {
        #expect(MountInfo.unescaped(Array(#"a\040b\011c\134d"#.utf8)) == Array("a b\tc\\d".utf8))
        #expect(MountInfo.unescaped(Array(#"a\09x\0"#.utf8)) == Array(#"a\09x\0"#.utf8))
        #expect(MountInfo.unescaped(Array(#"nul\000"#.utf8)) == Array(#"nul\000"#.utf8))
    }

    @Test func thisProcessHasAMountTableWithARoot() throws {
        let entries = try MountInfo.current()
        #expect(entries.contains { $0.mountPoint == "/" })
    }
}
