import Foundation
import Glibc
import Hashing
import LinuxSystem
import SyncCore
import Testing
import TestSupport

@Suite struct FileHasherTests {
    /// Sizes around every padding edge (55/56 bytes: the length still fits the last block or
    /// not; 63/64/65: block boundary), around the 512 KiB read buffer, and a few MB.
    static let sizes = [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 524_287, 524_288, 524_289, 3_000_017]

    @Test func digestsAgreeWithCoreutilsOnRandomFiles() async throws {
        let scratch = try HashingFixtures.ScratchDirectory()
        defer { scratch.remove() }
        var generator = SeededGenerator(seed: 0xF11E_5EED)
        var hasher = FileHasher()
        for size in Self.sizes {
            let path = scratch.file("random-\(size).bin")
            try Data(HashingFixtures.randomBytes(size, using: &generator)).write(to: URL(fileURLWithPath: path))
            let result = try hasher.hash(FilePathBytes(path), algorithms: [.sha256, .md5, .sha1])
            #expect(result.byteCount == Int64(size))
            #expect(result.isConsistent)
            #expect(result.sha256.hex == (try await HashingFixtures.firstWord(ofRunning: "sha256sum", [path])), "size \(size)")
            #expect(result.digests.md5?.hex == (try await HashingFixtures.firstWord(ofRunning: "md5sum", [path])), "size \(size)")
            #expect(result.digests.sha1?.hex == (try await HashingFixtures.firstWord(ofRunning: "sha1sum", [path])), "size \(size)")
        }
    }

    @Test func onlyTheRequestedLegacyDigestsAreComputed() throws {
        let scratch = try HashingFixtures.ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("a.txt")
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        let plain = try FileHasher.hash(FilePathBytes(path))
        #expect(plain.sha256.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(plain.digests.md5 == nil && plain.digests.sha1 == nil)
        let withMD5 = try FileHasher.hash(FilePathBytes(path), algorithms: [.md5])
        #expect(withMD5.digests.md5?.hex == "900150983cd24fb0d6963f7d28e17f72")
        #expect(withMD5.digests.sha1 == nil)
    }

    @Test func statusBeforeAndAfterDescribeTheSameFile() throws {
        let scratch = try HashingFixtures.ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("b.md")
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: path))
        let result = try FileHasher.hash(FilePathBytes(path))
        let lstat = try FileStatus.of(FilePathBytes(path))
        #expect(result.statusBefore == result.statusAfter)
        #expect(result.statusAfter.inode == lstat.inode)
        #expect(result.statusAfter.size == 4096)
    }

    @Test func aChangedSizeOrTimeMakesTheResultInconsistent() throws {
        let scratch = try HashingFixtures.ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("c.md")
        try Data(repeating: 1, count: 10).write(to: URL(fileURLWithPath: path))
        var result = try FileHasher.hash(FilePathBytes(path))
        #expect(result.isConsistent)
        result.statusAfter.size += 1
        #expect(!result.isConsistent)
        result.statusAfter = result.statusBefore
        result.statusAfter.modificationTimeNanoseconds += 1
        #expect(!result.isConsistent)
        result.statusAfter = result.statusBefore
        result.byteCount -= 1
        #expect(!result.isConsistent)
    }

    @Test func aSymbolicLinkIsNotFollowed() throws {
        let scratch = try HashingFixtures.ScratchDirectory()
        defer { scratch.remove() }
        try Data("x".utf8).write(to: URL(fileURLWithPath: scratch.file("target.md")))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link.md"), withDestinationPath: scratch.file("target.md"))
        #expect(throws: FileHashError.self) { try FileHasher.hash(FilePathBytes(scratch.file("link.md"))) }
        do {
            _ = try FileHasher.hash(FilePathBytes(scratch.file("link.md")))
        } catch {
            guard case .system(let systemError) = error else { Issue.record("expected ELOOP, got \(error)"); return }
            #expect(systemError.errno.rawValue == ELOOP)
        }
    }

    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let scratch = try HashingFixtures.ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.file("pipe.md")
        #expect(mkfifo(path, 0o644) == 0)
        #expect(throws: FileHashError.notRegularFile(path: FilePathBytes(path))) { try FileHasher.hash(FilePathBytes(path)) }
    }

    @Test func aMissingFileReportsENOENT() throws {
        do {
            _ = try FileHasher.hash("/nonexistent/aisearch-sync/none.md")
            Issue.record("hashing a missing file succeeded")
        } catch {
            guard case .system(let systemError) = error else { Issue.record("unexpected \(error)"); return }
            #expect(systemError.errno == .noSuchFile)
        }
    }

    @Test func aNonUTF8FileNameIsHashedByItsRawBytes() throws {
        let scratch = try HashingFixtures.ScratchDirectory()
        defer { scratch.remove() }
        let path = FilePathBytes(Array(scratch.path.utf8) + Array("/caf".utf8) + [0xE9] + Array(".md".utf8))
        let descriptor = try FileDescriptor.open(path, flags: O_WRONLY | O_CREAT | O_EXCL)
        try descriptor.writeAll(Array("abc".utf8))
        descriptor.close()
        #expect(try FileHasher.hash(path).sha256.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
