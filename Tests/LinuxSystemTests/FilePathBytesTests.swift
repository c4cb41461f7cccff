import Testing
import Glibc
@testable import LinuxSystem

@Suite struct FilePathBytesTests {
    @Test func nonUTF8NameRoundTripsThroughComponents() {
        let name = FilePathBytes([0x66, 0xFF, 0xFE, 0x2E, 0x6D, 0x64])  // "f\xFF\xFE.md"
        let path = FilePathBytes("/tmp/root").appending(name)
        #expect(path.lastComponent == name)
        #expect(path.parent == "/tmp/root")
        #expect(path.relative(to: "/tmp/root") == name)
        #expect(name.utf8String == nil)
        #expect(name.description == "f\\xFF\\xFE.md")
    }

    @Test func isWithinRespectsComponentBoundaries() {
        #expect(FilePathBytes("/a/b/c").isWithin("/a/b"))
        #expect(FilePathBytes("/a/b").isWithin("/a/b"))
        #expect(!FilePathBytes("/a/bc").isWithin("/a/b"))
        #expect(FilePathBytes("/a/b/c").relative(to: "/a/b/") == "c")
        #expect(FilePathBytes("/x").relative(to: "/a") == nil)
    }

    @Test func componentsDropEmptyOnes() {
        #expect(FilePathBytes("a//b/").components == ["a", "b"])
        #expect(FilePathBytes("/").parent == "/")
        #expect(FilePathBytes("a").parent == FilePathBytes([]))
    }
}

@Suite struct FileDescriptorTests {
    @Test func writeReadAndStatARealFile() throws {
        let directory = FilePathBytes("/tmp/linuxsystem-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        _ = directory.withCString { mkdir($0, 0o700) }
        defer { _ = directory.withCString { rmdir($0) } }
        let file = directory.appending(FilePathBytes([0x6E, 0xFF]))  // non-UTF-8 name on disk
        let writer = try FileDescriptor.open(file, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        try writer.writeAll(Array("hello".utf8))
        try writer.sync()
        writer.close()
        writer.close()  // closing twice is harmless
        #expect(!writer.isOpen)
        defer { _ = file.withCString { unlink($0) } }

        let status = try FileStatus.of(file)
        #expect(status.kind == .regular)
        #expect(status.size == 5)
        #expect(status.mode & 0o777 == 0o600)

        let reader = try FileDescriptor.open(file, flags: O_RDONLY)
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
        #expect(Array(buffer[..<count]) == Array("hello".utf8))
        #expect(try FileStatus.of(reader).inode == status.inode)

        let entries = try directoryEntries(of: directory)
        #expect(entries.map(\.name) == [FilePathBytes([0x6E, 0xFF])])
    }

    @Test func missingFileIsATypedError() {
        #expect {
            _ = try FileStatus.of("/nonexistent/really/not/here")
        } throws: { error in
            guard let error = error as? SystemError else { return false }
            return error.errno == .noSuchFile && error.operation == "lstat" && error.description.contains("ENOENT")
        }
    }

    @Test func pollReportsReadableEndOfAPipe() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let readEnd = FileDescriptor(owning: ends[0])
        let writeEnd = FileDescriptor(owning: ends[1])
        #expect(try readEnd.poll(for: .readable, timeoutMilliseconds: 0).isEmpty)
        try writeEnd.writeAll([1, 2, 3])
        #expect(try readEnd.poll(for: .readable, timeoutMilliseconds: 1000).contains(.readable))
    }
}
