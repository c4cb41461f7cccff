import Testing
@testable import LinuxSystem

@Suite struct FilesystemInfoTests {
    @Test(arguments: [
        (UInt64(0xEF53), "ext2/3/4"), (0x5846_5342, "xfs"), (0x9123_683E, "btrfs"), (0x0102_1994, "tmpfs"),
        (0x794C_7630, "overlay"), (0x6969, "nfs"), (0xFF53_4D42, "cifs"), (0xFE53_4D42, "smb2"),
        (0x6573_5546, "fuse"), (0x0102_1997, "9p"), (0x786F_4256, "vboxsf"), (0x00C3_6400, "ceph"),
        (0x2FC1_2FC1, "zfs"),
    ])
    func magicNumbersHaveNames(magic: UInt64, name: String) {
        #expect(FilesystemInfo.name(forMagic: magic) == name)
    }

    @Test func unknownMagicHasNoName() {
        #expect(FilesystemInfo.name(forMagic: 0x1234_5678) == nil)
    }

    @Test func tmpIsAKnownFileSystemNamedByTheMountTable() throws {
        let info = try FilesystemInfo.of("/tmp")
        #expect(FilesystemInfo.name(forMagic: info.magic) != nil)
        #expect(!info.typeName.isEmpty)
        let mount = MountInfo.mount(containing: "/tmp", in: try MountInfo.current())
        #expect(info.typeName == mount?.fileSystemType)
    }

    @Test func procIsProc() throws {
        let info = try FilesystemInfo.of("/proc/self")
        #expect(info.magic == 0x9FA0)
        #expect(info.typeName == "proc")
    }

    @Test func missingPathIsENOENT() {
        #expect {
            try FilesystemInfo.of(FilePathBytes("/nonexistent-\(UInt32.random(in: 0...UInt32.max))/x"))
        } throws: { error in
            guard let error = error as? SystemError else { return false }
            return error.errno == .noSuchFile && error.operation == "statfs" && error.subject.hasPrefix("/nonexistent-")
        }
    }
}
