@testable import FileWatch
import LinuxSystem
import Testing

@Suite struct ChangeDetectionTests {
    @Test(arguments: [
        ("nfs4", UInt64(0x6969)), ("nfs", 0x6969), ("cifs", 0xFF53_4D42), ("smb3", 0xFE53_4D42),
        ("fuse.sshfs", 0x6573_5546), ("fuse.rclone", 0x6573_5546), ("9p", 0x0102_1997),
        ("virtiofs", 0x6573_5546), ("vboxsf", 0x786F_4256), ("ceph", 0x00C3_6400),
        // No mount table entry: the name of the magic decides.
        ("nfs", 0x6969), ("fuse", 0x6573_5546),
    ])
    func networkAndSharedFileSystemsArePolled(typeName: String, magic: UInt64) {
        let (detection, reason) = ChangeDetection.recommended(for: FilesystemInfo(typeName: typeName, magic: magic))
        #expect(detection == .polling(interval: .seconds(2)))
        #expect(reason?.contains("the folder is on \(typeName)") == true)
        #expect(reason?.contains("scanning every 2s instead") == true)
    }

    @Test func nfsReasonSaysWhatInotifyMisses() {
        let (_, reason) = ChangeDetection.recommended(for: FilesystemInfo(typeName: "nfs4", magic: 0x6969))
        #expect(reason == "the folder is on nfs4, where inotify does not see changes made by other machines; scanning every 2s instead")
    }

    @Test(arguments: [("ext4", UInt64(0xEF53)), ("xfs", 0x5846_5342), ("btrfs", 0x9123_683E), ("tmpfs", 0x0102_1994),
                      ("fuseblk", 0x6573_5546), ("ext2/3/4", 0xEF53), ("unknown (0x12345678)", 0x1234_5678)])
    func localFileSystemsUseInotifyQuietly(typeName: String, magic: UInt64) {
        let (detection, reason) = ChangeDetection.recommended(for: FilesystemInfo(typeName: typeName, magic: magic))
        #expect(detection == .inotify)
        #expect(reason == nil)
    }

    @Test func overlayKeepsInotifyButWarnsAboutLowerLayers() {
        let (detection, reason) = ChangeDetection.recommended(for: FilesystemInfo(typeName: "overlay", magic: 0x794C_7630))
        #expect(detection == .inotify)
        #expect(reason?.contains("lower layers") == true)
    }

    @Test func theIntervalIsPassedThroughAndWrittenShort() {
        let fs = FilesystemInfo(typeName: "nfs4", magic: 0x6969)
        let (detection, reason) = ChangeDetection.recommended(for: fs, interval: .milliseconds(500))
        #expect(detection == .polling(interval: .milliseconds(500)))
        #expect(reason?.hasSuffix("scanning every 500ms instead") == true)
        #expect(ChangeDetection.polling(interval: .seconds(30)).description == "polling every 30s")
    }
}
