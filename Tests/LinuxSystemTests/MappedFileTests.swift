import Glibc
import Testing
@testable import LinuxSystem

@Suite struct MappedFileTests {
    /// A file of `count` bytes (a repeating pattern) in a fresh temporary directory.
    private func makeFile(count: Int) throws -> FilePathBytes {
        var template = Array("/tmp/aisearch-mapped-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        try #require(created != nil)
        let path = FilePathBytes(template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }).appending("file")
        let file = try FileDescriptor.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        defer { file.close() }
        try file.writeAll((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        return path
    }

    private func removeFileAndFolder(_ path: FilePathBytes) {
        _ = path.withCString { unlink($0) }
        _ = path.parent.withCString { rmdir($0) }
    }

    /// The resident size (smaps `Rss`, KiB) of this process's mapping that starts at `address`.
    private func residentKiB(of address: UnsafeRawPointer) throws -> Int {
        let smaps = String(decoding: try readWholeFile("/proc/self/smaps"), as: UTF8.self)
        let start = String(UInt(bitPattern: address), radix: 16)
        var inMapping = false
        for line in smaps.split(separator: "\n") {
            if let dash = line.firstIndex(of: "-"), line[..<dash].allSatisfy(\.isHexDigit) {
                inMapping = line[..<dash] == start
            } else if inMapping, line.hasPrefix("Rss:") {
                return Int(line.split(separator: " ")[1])!
            }
        }
        throw SystemError("smaps", subject: "no mapping at \(start)")
    }

    @Test func bytesAreTheFilesAndReleasedPagesLeaveResidentMemory() throws {
        let count = 4 << 20
        let path = try makeFile(count: count)
        defer { removeFileAndFolder(path) }
        let mapped = try #require(try MappedFile.open(path))
        #expect(mapped.count == count)
        try mapped.withBytes { (bytes) throws in
            let base = try #require(UnsafeRawPointer(bytes.baseAddress))
            let wrong = bytes.indices.filter { bytes[$0] != UInt8(truncatingIfNeeded: $0 &* 31) }
            #expect(wrong.isEmpty)
            let whole = try residentKiB(of: base)
            #expect(whole >= 4_000)
            mapped.release(before: 3 << 20)
            #expect(try residentKiB(of: base) <= whole - 3_000)
            // A released page reads the file again, not zeros; after a rewind it is released again.
            let again = bytes[0..<(3 << 20)].indices.filter { bytes[$0] != UInt8(truncatingIfNeeded: $0 &* 31) }
            #expect(again.isEmpty)
            #expect(try residentKiB(of: base) >= whole - 100)
            mapped.release(before: 3 << 20)
            #expect(try residentKiB(of: base) >= whole - 100, "released already in this pass: nothing more")
            mapped.rewind()
            mapped.release(before: 3 << 20)
            #expect(try residentKiB(of: base) <= whole - 3_000)
        }
    }

    @Test func aMissingFileIsNilAndAnEmptyOneHasNoBytes() throws {
        let path = try makeFile(count: 0)
        defer { removeFileAndFolder(path) }
        #expect(try MappedFile.open(path.parent.appending("absent")) == nil)
        let empty = try #require(try MappedFile.open(path))
        #expect(empty.count == 0)
        empty.withBytes { #expect($0.isEmpty) }
    }
}
