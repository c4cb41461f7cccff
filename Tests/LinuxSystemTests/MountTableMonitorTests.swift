#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LinuxSystem
import Testing

/// Real tmpfs mounts in a temporary directory; they need root (CAP_SYS_ADMIN), so without it the
/// test is skipped, saying why.
@Suite struct MountTableMonitorTests {
    @Test(.enabled(if: ScratchMount.isPossible, "needs root and permission to mount tmpfs"))
    func mountAndUnmountAreReportedAndShowInTheTable() throws {
        let directory = try ScratchMount.makeDirectory()
        defer { ScratchMount.removeDirectory(directory) }
        let monitor = try MountTableMonitor()
        let before = try monitor.entries()

        try ScratchMount.mountTmpfs(at: directory)
        defer { ScratchMount.unmount(directory) }
        #expect(try monitor.waitForChange(timeoutMilliseconds: 30_000))
        let mounted = try monitor.entries()
        let added = MountInfo.differences(between: before, and: mounted)
        #expect(added.contains { $0.mountPoint == directory && $0.fileSystemType == "tmpfs" })

        ScratchMount.unmount(directory)
        #expect(try monitor.waitForChange(timeoutMilliseconds: 30_000))
        let removed = MountInfo.differences(between: mounted, and: try monitor.entries())
        #expect(removed.contains { $0.mountPoint == directory && $0.fileSystemType == "tmpfs" })
    }

    @Test func differencesAreTheEntriesInOnlyOneTable() {
        let table = MountInfo.parse(Array(MountInfoTests.sample.utf8))
        let fewer = Array(table.dropLast())
        #expect(MountInfo.differences(between: table, and: table).isEmpty)
        #expect(MountInfo.differences(between: table, and: fewer) == [table.last!])
        #expect(MountInfo.differences(between: fewer, and: table) == [table.last!])
    }

    @Test func resolvingSymbolicLinksGivesTheRealPath() throws {
        let directory = try ScratchMount.makeDirectory()
        defer { ScratchMount.removeDirectory(directory) }
        let link = FilePathBytes("\(directory).link")
        #expect(link.withCString { symlink(directory.description, $0) } == 0)
        defer { _ = link.withCString { unlink($0) } }
        #expect(link.resolvingSymbolicLinks() == directory)
        #expect(link.appending("missing").resolvingSymbolicLinks() == nil)
    }
}

/// A scratch directory under /tmp (its real path, so it reads as the mount table spells it) and
/// tmpfs mounts on it through mount(8).
enum ScratchMount {
    static let isPossible: Bool = {
        guard let directory = try? makeDirectory() else { return false }
        defer { removeDirectory(directory) }
        guard (try? mountTmpfs(at: directory)) != nil else { return false }
        unmount(directory)
        return true
    }()

    static func makeDirectory() throws -> FilePathBytes {
        var template = Array("/tmp/mount-test-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SystemError("mkdtemp")
        }
        let path = FilePathBytes(String(cString: made))
        return path.resolvingSymbolicLinks() ?? path
    }

    static func removeDirectory(_ path: FilePathBytes) { _ = path.withCString { rmdir($0) } }

    static func mountTmpfs(at path: FilePathBytes) throws { try run("/bin/mount", ["-t", "tmpfs", "none", path.description]) }

    /// Unmounts, lazily if it is busy; for cleanup, so it never throws.
    static func unmount(_ path: FilePathBytes) {
        if (try? run("/bin/umount", [path.description])) == nil { _ = try? run("/bin/umount", ["-l", path.description]) }
    }

    private static func run(_ tool: String, _ arguments: [String]) throws {
        let process = try ChildProcess(executable: tool, arguments: arguments, output: .null, error: .null)
        guard process.waitForExit() == 0 else { throw SystemError(tool, errno: .invalidArgument) }
    }
}
